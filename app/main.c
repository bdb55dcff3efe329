/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo"

#include "config.h"

#include <locale.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <glib/gi18n.h>

#include "vireo-application.h"
#include "vireo-perf.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(VireoApplication) app = NULL;

  vireo_perf_mark ("startup", NULL);

#ifdef __GLIBC__
  /* Each connection's workers would otherwise get malloc arenas of their own,
   * which keep the memory of one large listing resident long after it is
   * freed: 16 MB at 1,000 domains, measured with tests/bench/vireo-bench.
   * Workers allocate little and rarely at once, so two arenas lose nothing. */
  mallopt (M_ARENA_MAX, 2);
#endif

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = vireo_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
