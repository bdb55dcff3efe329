/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "vireo-fuzz.h"

/*
 * The fuzz target without libFuzzer: runs LLVMFuzzerTestOneInput once over
 * every file of the directories (or files) given, so a gcc build in CI
 * replays the seed corpus and every crash input kept there. TAP on stdout.
 */

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
collect (const char *path,
         GPtrArray  *files)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_ptr_array_add (files, g_strdup (path));
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  if (dir == NULL)
    g_error ("cannot read %s", path);
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_build_filename (path, name, NULL));
  g_ptr_array_sort (names, compare_paths);
  for (guint i = 0; i < names->len; i++)
    if (g_file_test (names->pdata[i], G_FILE_TEST_IS_REGULAR))
      g_ptr_array_add (files, g_strdup (names->pdata[i]));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);

  setlocale (LC_ALL, "C.UTF-8");
  if (argc < 2)
    {
      fprintf (stderr, "usage: %s DIR-OR-FILE...\n", argv[0]);
      return 2;
    }
  for (int i = 1; i < argc; i++)
    collect (argv[i], files);
  if (files->len == 0)
    g_error ("no inputs in the corpus");

  printf ("1..%u\n", files->len);
  for (guint i = 0; i < files->len; i++)
    {
      g_autofree char *contents = NULL;
      gsize length = 0;
      g_autoptr(GError) error = NULL;

      if (!g_file_get_contents (files->pdata[i], &contents, &length, &error))
        g_error ("%s", error->message);
      /* A crash ends the run; the last line printed names the input. */
      printf ("# %s\n", (const char *) files->pdata[i]);
      fflush (stdout);
      LLVMFuzzerTestOneInput ((const guint8 *) contents, length);
      printf ("ok %u - %s\n", i + 1, (const char *) files->pdata[i]);
    }
  return 0;
}
