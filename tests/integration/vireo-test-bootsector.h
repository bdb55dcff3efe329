/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * A guest that shows what it is typed: a bootable ISO whose boot code
 * prints VIREO_TEST_KEYS_BANNER on COM1 and then echoes every key the BIOS
 * reads (int 16h) to COM1, as ASCII. A console test boots it with a
 * <serial type='pty'/>, waits for the banner with a VireoTestSerial, types
 * through the console and looks for the text on the serial port. Nothing
 * here depends on the console's protocol.
 */

#include <string.h>

#include <gio/gio.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

G_BEGIN_DECLS

#define VIREO_TEST_KEYS_BANNER "VIREO-KEYS-READY"

/* The boot code, loaded by the BIOS at 0000:7C00 (a no-emulation El
 * Torito image), with DS at 0 so that addresses are absolute. */
static inline void
vireo_test_write_key_echo_image (const char *path)
{
  static const guint8 code[] = {
    0x31, 0xc0,             /* 00: xor ax, ax */
    0x8e, 0xd8,             /* 02: mov ds, ax */
    0xfc,                   /* 04: cld */
    0xfb,                   /* 05: sti (the keyboard interrupt fills int 16h's buffer) */
    0xba, 0xf8, 0x03,       /* 06: mov dx, 0x3f8 (COM1) */
    0xbe, 0x1e, 0x7c,       /* 09: mov si, 0x7c1e (the banner) */
    0xac,                   /* 0c: banner: lodsb */
    0x84, 0xc0,             /* 0d: test al, al */
    0x74, 0x03,             /* 0f: jz key (0x14) */
    0xee,                   /* 11: out dx, al */
    0xeb, 0xf8,             /* 12: jmp banner (0x0c) */
    0x31, 0xc0,             /* 14: key: xor ax, ax (AH 0: wait for a key) */
    0xcd, 0x16,             /* 16: int 0x16 (AL: its ASCII code) */
    0xba, 0xf8, 0x03,       /* 18: mov dx, 0x3f8 */
    0xee,                   /* 1b: out dx, al */
    0xeb, 0xf6,             /* 1c: jmp key (0x14) */
  };
  g_autoptr(GByteArray) image = g_byte_array_new ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (sizeof code, ==, 0x1e);
  g_byte_array_append (image, code, sizeof code);
  /* With its NUL: the end of the banner loop. */
  g_byte_array_append (image, (const guint8 *) VIREO_TEST_KEYS_BANNER "\r\n",
                       strlen (VIREO_TEST_KEYS_BANNER) + 3);
  g_byte_array_set_size (image, 2048);
  g_file_set_contents (path, (const char *) image->data, image->len, &error);
  g_assert_no_error (error);
}

/* Makes @dir/key-echo.iso (and the files it is made of, in @dir) and
 * returns its path. */
static inline char *
vireo_test_build_key_echo_iso (const char *dir)
{
  g_autofree char *root = g_build_filename (dir, "key-echo-root", NULL);
  g_autofree char *boot = g_build_filename (root, "boot.bin", NULL);
  char *iso = g_build_filename (dir, "key-echo.iso", NULL);
  const char *argv[] = {
    "xorriso", "-as", "mkisofs", "-quiet", "-V", "VIREO_KEYS", "-o", iso,
    "-b", "boot.bin", "-no-emul-boot", "-boot-load-size", "4", root, NULL
  };
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_cmpint (g_mkdir_with_parents (root, 0755), ==, 0);
  vireo_test_write_key_echo_image (boot);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
  return iso;
}

/* A guest's first serial port, read on a thread of its own (libvirt's
 * keepalives need the main loop turning meanwhile). */
typedef struct
{
  virStreamPtr  stream;
  GThread      *thread;
  GMutex        lock;
  GString      *text;     /* under @lock */
  gint          stop;
  gint          ended;
} VireoTestSerial;

static inline gpointer
vireo_test_serial_read (gpointer data)
{
  VireoTestSerial *s = data;
  char buf[256];

  while (!g_atomic_int_get (&s->stop))
    {
      int n = virStreamRecv (s->stream, buf, sizeof buf);

      if (n == -2)
        {
          g_usleep (10000);
          continue;
        }
      if (n <= 0)
        break;
      g_mutex_lock (&s->lock);
      g_string_append_len (s->text, buf, n);
      g_mutex_unlock (&s->lock);
    }
  g_atomic_int_set (&s->ended, 1);
  return NULL;
}

static inline VireoTestSerial *
vireo_test_serial_open (virConnectPtr conn,
                        virDomainPtr  dom)
{
  VireoTestSerial *s = g_new0 (VireoTestSerial, 1);

  s->stream = virStreamNew (conn, VIR_STREAM_NONBLOCK);
  g_assert_nonnull (s->stream);
  if (virDomainOpenConsole (dom, NULL, s->stream, VIR_DOMAIN_CONSOLE_FORCE) < 0)
    g_error ("could not open the guest's serial console: %s", virGetLastErrorMessage ());
  g_mutex_init (&s->lock);
  s->text = g_string_new (NULL);
  s->thread = g_thread_new ("serial", vireo_test_serial_read, s);
  return s;
}

/* Everything the guest has written so far. */
static inline char *
vireo_test_serial_dup_text (VireoTestSerial *s)
{
  char *text;

  g_mutex_lock (&s->lock);
  text = g_strndup (s->text->str, s->text->len);
  g_mutex_unlock (&s->lock);
  return text;
}

/* Spins the default main context until the guest has written @needle; a
 * timeout fails the test and shows what it wrote. */
static inline void
vireo_test_serial_wait_for (VireoTestSerial *s,
                            const char      *needle,
                            double           timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (timeout_s * G_USEC_PER_SEC);

  for (;;)
    {
      g_autofree char *text = vireo_test_serial_dup_text (s);

      if (strstr (text, needle) != NULL)
        return;
      if (g_atomic_int_get (&s->ended) || g_get_monotonic_time () > deadline)
        g_error ("the guest's serial port never said \"%s\"%s; it said:\n%s", needle,
                 g_atomic_int_get (&s->ended) ? " (the stream ended)" : "", text);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static inline void
vireo_test_serial_close (VireoTestSerial *s)
{
  g_atomic_int_set (&s->stop, 1);
  g_thread_join (s->thread);
  virStreamAbort (s->stream);
  virStreamFree (s->stream);
  g_string_free (s->text, TRUE);
  g_mutex_clear (&s->lock);
  g_free (s);
}

G_END_DECLS
