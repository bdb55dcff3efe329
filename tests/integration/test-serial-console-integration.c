/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The serial console on the private libvirtd of vireo-testenv.sh, under
 * Xvfb: a transient TCG guest boots a disk whose boot sector prints a
 * banner on COM1 and then echoes every byte it reads there, upper-cased
 * and in angle brackets. A VireoSerialConsole must show the banner, send
 * what is typed (through the terminal, as a key press does) and pasted,
 * and show the guest's answer; a second console is refused while the
 * first holds the device, and takes it over when told to; destroying the
 * guest ends the console with a reason and leaves the connection usable.
 * The same over qemu+tcp and qemu+ssh, where closing the connection ends
 * the console too.
 *
 * Guests start paused and run once the console is open: the banner is
 * printed once, and QEMU drops what a pty nobody reads is sent.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <gtk/gtk.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "vireo-serial-console.h"
#include "vireo-test-virt.h"
#include "vireo-worker.h"

#define GUEST  "vireo-serial-echo"
#define BANNER "VIREO-ECHO-READY"

static const char *
require_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL || *value == '\0')
    g_error ("%s is not set: run this through tests/integration/vireo-testenv.sh run", name);
  return value;
}

/* A disk's boot sector (the BIOS loads it at 0x7c00): with DS at 0, write
 * the banner to COM1, then forever: wait until the line status register
 * (0x3fd) says a byte came in (bit 0), read it (0x3f8) and write back
 * '<', the byte upper-cased if it is a-z, '>'. */
static void
write_echo_image (const char *path)
{
  static const guint8 code[] = {
    0x31, 0xc0,             /* 00 xor ax, ax */
    0x8e, 0xd8,             /* 02 mov ds, ax */
    0xfc,                   /* 04 cld */
    0xbe, 0x36, 0x7c,       /* 05 mov si, 0x7c36 (the banner) */
    0xba, 0xf8, 0x03,       /* 08 mov dx, 0x3f8 */
    0xac,                   /* 0b print: lodsb */
    0x84, 0xc0,             /* 0c test al, al */
    0x74, 0x03,             /* 0e jz poll */
    0xee,                   /* 10 out dx, al */
    0xeb, 0xf8,             /* 11 jmp print */
    0xba, 0xfd, 0x03,       /* 13 poll: mov dx, 0x3fd */
    0xec,                   /* 16 wait: in al, dx */
    0xa8, 0x01,             /* 17 test al, 1 */
    0x74, 0xfb,             /* 19 jz wait */
    0xba, 0xf8, 0x03,       /* 1b mov dx, 0x3f8 */
    0xec,                   /* 1e in al, dx */
    0x88, 0xc4,             /* 1f mov ah, al */
    0xb0, '<',              /* 21 mov al, '<' */
    0xee,                   /* 23 out dx, al */
    0x88, 0xe0,             /* 24 mov al, ah */
    0x3c, 'a',              /* 26 cmp al, 'a' */
    0x72, 0x06,             /* 28 jb put */
    0x3c, 'z',              /* 2a cmp al, 'z' */
    0x77, 0x02,             /* 2c ja put */
    0x2c, 0x20,             /* 2e sub al, 0x20 */
    0xee,                   /* 30 put: out dx, al */
    0xb0, '>',              /* 31 mov al, '>' */
    0xee,                   /* 33 out dx, al */
    0xeb, 0xdd,             /* 34 jmp poll */
  };
  g_autoptr(GByteArray) image = g_byte_array_new ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (sizeof code, ==, 0x36);
  g_byte_array_append (image, code, sizeof code);
  g_byte_array_append (image, (const guint8 *) BANNER "\r\n", strlen (BANNER) + 3);
  g_byte_array_set_size (image, 512);
  image->data[510] = 0x55;
  image->data[511] = 0xaa;
  g_file_set_contents (path, (const char *) image->data, image->len, &error);
  g_assert_no_error (error);
}

/* Returns: (transfer full): the guest, started paused */
static virDomainPtr
start_guest (virConnectPtr direct)
{
  g_autofree char *image = g_build_filename (require_env ("VIREO_TEST_IMAGE_DIR"), "serial-echo.img", NULL);
  g_autofree char *xml = NULL;
  virDomainPtr dom;

  write_echo_image (image);
  xml = g_strdup_printf ("<domain type='qemu'>"
                         "  <name>" GUEST "</name>"
                         "  <memory unit='MiB'>64</memory>"
                         "  <vcpu>1</vcpu>"
                         "  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os>"
                         "  <devices>"
                         "    <disk type='file' device='disk'>"
                         "      <driver name='qemu' type='raw'/>"
                         "      <source file='%s'/>"
                         "      <target dev='hda' bus='ide'/>"
                         "    </disk>"
                         "    <serial type='pty'><target port='0'/></serial>"
                         "    <console type='pty'><target type='serial' port='0'/></console>"
                         "    <memballoon model='none'/>"
                         "  </devices>"
                         "</domain>", image);
  dom = virDomainCreateXML (direct, xml, VIR_DOMAIN_START_PAUSED);
  if (dom == NULL)
    g_error ("could not start the guest: %s", virGetLastErrorMessage ());
  return dom;
}

static gboolean
guest_listed (gpointer data)
{
  return vireo_test_find_domain (data, GUEST) != NULL;
}

static gboolean
guest_gone (gpointer data)
{
  return vireo_test_find_domain (data, GUEST) == NULL;
}

static gboolean
settled (gpointer data)
{
  return vireo_serial_console_get_state (data) != VIREO_SERIAL_CONSOLE_CONNECTING;
}

static gboolean
disconnected (gpointer data)
{
  return vireo_serial_console_get_state (data) == VIREO_SERIAL_CONSOLE_DISCONNECTED;
}

static void
connect_console (VireoSerialConsole *console,
                 gboolean            take_over)
{
  if (take_over)
    vireo_serial_console_take_over (console);
  else
    vireo_serial_console_connect (console);
  g_assert_cmpint (vireo_serial_console_get_state (console), ==, VIREO_SERIAL_CONSOLE_CONNECTING);
  vireo_test_wait_for (settled, console, 30, "the console to open");
  if (vireo_serial_console_get_state (console) != VIREO_SERIAL_CONSOLE_CONNECTED)
    g_error ("the console did not open: %s", vireo_serial_console_get_error (console));
  g_assert_null (vireo_serial_console_get_error (console));
  g_assert_false (vireo_serial_console_get_busy (console));
}

typedef struct
{
  VireoSerialConsole *console;
  const char         *text;
} Expect;

static char *
terminal_text (VireoSerialConsole *console)
{
  return vte_terminal_get_text (vireo_serial_console_get_terminal (console), NULL, NULL, NULL);
}

static gboolean
shows (gpointer data)
{
  Expect *e = data;
  g_autofree char *text = terminal_text (e->console);

  return text != NULL && strstr (text, e->text) != NULL;
}

static void
wait_for_text (VireoSerialConsole *console,
               const char         *text)
{
  Expect e = { console, text };
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!shows (&e))
    {
      if (g_get_monotonic_time () > deadline)
        {
          g_autofree char *seen = terminal_text (console);

          g_error ("the console never showed %s; it shows:\n%s", text, seen);
        }
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static GtkWidget *
show_in_window (VireoSerialConsole *console)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), 800, 500);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (console));
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
on_clipboard_text (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  char **text = user_data;
  g_autoptr(GError) error = NULL;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  g_assert_no_error (error);
}

static gboolean
is_set (gpointer data)
{
  return *(char **) data != NULL;
}

static void
destroy_and_forget (GtkWidget *window,
                    gpointer   console)
{
  GObject *weak = console;

  g_object_add_weak_pointer (weak, (gpointer *) &weak);
  gtk_window_destroy (GTK_WINDOW (window));
  for (int i = 0; weak != NULL && i < 2000; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_null (weak);
}

static void
test_echo_local (void)
{
  const char *uri = require_env ("VIREO_TEST_URI");
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (uri, 0);
  virConnectPtr direct = virConnectOpen (uri);
  virDomainPtr dom;
  VireoDomain *domain;
  VireoSerialConsole *console, *second;
  GtkWidget *window, *window2;
  GdkClipboard *clipboard;
  g_autofree char *copied = NULL;
  g_autoptr(VireoGuestCaps) caps = NULL;
  g_autoptr(GError) error = NULL;
  VireoTestAsync a = { 0 };

  g_assert_nonnull (direct);
  dom = start_guest (direct);
  vireo_test_wait_for (guest_listed, conn, 10, "the guest in the list");
  domain = vireo_test_find_domain (conn, GUEST);

  /* NULL: the machine's first console, the <console> on serial0. */
  console = vireo_serial_console_new (domain, NULL);
  window = show_in_window (console);
  g_assert_cmpint (vireo_serial_console_get_state (console), ==, VIREO_SERIAL_CONSOLE_DISCONNECTED);
  g_assert_false (vte_terminal_get_input_enabled (vireo_serial_console_get_terminal (console)));
  connect_console (console, FALSE);
  g_assert_true (vte_terminal_get_input_enabled (vireo_serial_console_get_terminal (console)));
  g_assert_cmpint (virDomainResume (dom), ==, 0);
  wait_for_text (console, BANNER);

  /* Typing: what a key press makes the terminal send. */
  vte_terminal_feed_child (vireo_serial_console_get_terminal (console), "abc", 3);
  wait_for_text (console, "<A><B><C>");

  /* Paste (serial.paste, Ctrl+Shift+V, the menu). */
  clipboard = gtk_widget_get_clipboard (GTK_WIDGET (console));
  gdk_clipboard_set_text (clipboard, "xy");
  gtk_widget_activate_action (GTK_WIDGET (console), "serial.paste", NULL);
  wait_for_text (console, "<X><Y>");

  /* Copy (serial.copy): what the guest wrote reaches the clipboard. */
  vte_terminal_select_all (vireo_serial_console_get_terminal (console));
  gtk_widget_activate_action (GTK_WIDGET (console), "serial.copy", NULL);
  gdk_clipboard_read_text_async (clipboard, NULL, on_clipboard_text, &copied);
  vireo_test_wait_for (is_set, &copied, 10, "the clipboard's text");
  g_assert_nonnull (strstr (copied, BANNER));
  g_assert_nonnull (strstr (copied, "<X><Y>"));

  /* A second console is refused while the first holds the device... */
  second = vireo_serial_console_new (domain, "serial0");
  window2 = show_in_window (second);
  vireo_serial_console_connect (second);
  vireo_test_wait_for (settled, second, 30, "the second console's answer");
  g_assert_cmpint (vireo_serial_console_get_state (second), ==, VIREO_SERIAL_CONSOLE_DISCONNECTED);
  g_assert_true (vireo_serial_console_get_busy (second));
  g_test_message ("busy: %s", vireo_serial_console_get_error (second));
  g_assert_nonnull (strstr (vireo_serial_console_get_error (second), "Another client"));
  g_assert_cmpint (vireo_serial_console_get_state (console), ==, VIREO_SERIAL_CONSOLE_CONNECTED);

  /* ...and takes it over when told to: the first one says why it ended. */
  connect_console (second, TRUE);
  vireo_test_wait_for (disconnected, console, 30, "the first console to end");
  g_test_message ("taken over: %s", vireo_serial_console_get_error (console));
  g_assert_nonnull (strstr (vireo_serial_console_get_error (console), "another client"));
  g_assert_true (vireo_serial_console_get_busy (console));
  vte_terminal_feed_child (vireo_serial_console_get_terminal (second), "d", 1);
  wait_for_text (second, "<D>");
  /* What the first one showed stays, to be read and copied. */
  wait_for_text (console, "<X><Y>");

  /* The guest goes away: the console ends with a reason. */
  vireo_domain_action_async (domain, VIREO_DOMAIN_ACTION_DESTROY, NULL, vireo_test_async_cb, &a);
  g_assert_true (vireo_domain_action_finish (domain, vireo_test_async_wait (&a, 30), NULL));
  g_clear_object (&a.result);
  vireo_test_wait_for (disconnected, second, 30, "the console to end with the guest");
  g_test_message ("guest destroyed: %s", vireo_serial_console_get_error (second));
  g_assert_nonnull (vireo_serial_console_get_error (second));
  g_assert_cmpstr (vireo_serial_console_get_error (second), !=, "");
  g_assert_false (vte_terminal_get_input_enabled (vireo_serial_console_get_terminal (second)));

  /* The connection is still usable: events and calls go on. */
  g_assert_cmpint (vireo_connection_get_state (conn), ==, VIREO_CONNECTION_STATE_CONNECTED);
  vireo_test_wait_for (guest_gone, conn, 10, "the guest to leave the list");
  vireo_connection_read_capabilities_async (conn, NULL, vireo_test_async_cb, &a);
  caps = vireo_connection_read_capabilities_finish (conn, vireo_test_async_wait (&a, 30), &error);
  g_clear_object (&a.result);
  g_assert_no_error (error);
  g_assert_nonnull (caps);

  /* Widgets go when their windows do; their streams are gone already. */
  destroy_and_forget (window2, second);
  destroy_and_forget (window, console);
  virDomainFree (dom);
  virConnectClose (direct);
}

/* Over the network the console goes through the connection's own
 * transport; closing the connection ends it. */
static void
test_echo_remote (gconstpointer data)
{
  const char *uri = require_env ("VIREO_TEST_URI");
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (require_env (data), 0);
  virConnectPtr direct = virConnectOpen (uri);
  virDomainPtr dom;
  VireoDomain *domain;
  VireoSerialConsole *console;
  GtkWidget *window;

  g_assert_nonnull (direct);
  dom = start_guest (direct);
  vireo_test_wait_for (guest_listed, conn, 30, "the guest in the list");
  domain = vireo_test_find_domain (conn, GUEST);

  console = vireo_serial_console_new (domain, "serial0");
  window = show_in_window (console);
  connect_console (console, FALSE);
  g_assert_cmpint (virDomainResume (dom), ==, 0);
  wait_for_text (console, BANNER);
  vte_terminal_feed_child (vireo_serial_console_get_terminal (console), "q", 1);
  wait_for_text (console, "<Q>");

  vireo_connection_close (conn);
  vireo_test_wait_for (disconnected, console, 30, "the console to end with the connection");
  g_test_message ("connection closed: %s", vireo_serial_console_get_error (console));
  g_assert_nonnull (vireo_serial_console_get_error (console));
  g_assert_cmpstr (vireo_serial_console_get_error (console), !=, "");

  destroy_and_forget (window, console);
  g_assert_cmpint (virDomainDestroy (dom), ==, 0);
  virDomainFree (dom);
  virConnectClose (direct);
}

/* Runs `vireo-testenv.sh relay STATE tcp DELAY` and returns the relay's
 * port; the environment stops the relay at teardown. */
static guint
start_relay (guint delay_ms)
{
  g_autofree char *delay = g_strdup_printf ("%u", delay_ms);
  const char *argv[] = { require_env ("VIREO_TESTENV"), "relay", require_env ("VIREO_TEST_STATE"),
                         "tcp", delay, NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  guint port = 0, pid = 0;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL, &out, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
  if (sscanf (out, "port=%u pid=%u", &port, &pid) != 2)
    g_error ("vireo-testenv.sh relay printed '%s', not 'port=P pid=PID'", out);
  return port;
}

#define SLOW_CALLS 10

typedef struct
{
  guint done;
} Calls;

static void
on_caps (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Calls *calls = user_data;
  g_autoptr(VireoGuestCaps) caps = NULL;
  g_autoptr(GError) error = NULL;

  caps = vireo_connection_read_capabilities_finish (VIREO_CONNECTION (source), result, &error);
  g_assert_no_error (error);
  calls->done++;
}

static gboolean
all_done (gpointer data)
{
  return ((Calls *) data)->done == SLOW_CALLS;
}

/* A host 300 ms away, and the connection's worker busy with a queue of
 * calls (3 s of them): what is typed goes out and comes back before the
 * queue is through, because the stream does not wait its turn on the
 * worker. (Each byte may still wait for the one call in flight: libvirt
 * holds its connection lock for a whole round trip.) */
static void
test_typing_beside_slow_calls (void)
{
  const char *uri = require_env ("VIREO_TEST_URI");
  g_autofree char *relayed = g_strdup_printf ("qemu+tcp://127.0.0.1:%u/system", start_relay (150));
  g_autoptr(VireoConnection) conn = vireo_test_open_connection (relayed, 0);
  virConnectPtr direct = virConnectOpen (uri);
  virDomainPtr dom;
  VireoSerialConsole *console;
  GtkWidget *window;
  Calls calls = { 0 };
  guint done_at_echo;

  g_assert_nonnull (direct);
  dom = start_guest (direct);
  vireo_test_wait_for (guest_listed, conn, 30, "the guest in the list");

  console = vireo_serial_console_new (vireo_test_find_domain (conn, GUEST), NULL);
  window = show_in_window (console);
  connect_console (console, FALSE);
  g_assert_cmpint (virDomainResume (dom), ==, 0);
  wait_for_text (console, BANNER);

  for (guint i = 0; i < SLOW_CALLS; i++)
    vireo_connection_read_capabilities_async (conn, NULL, on_caps, &calls);
  vte_terminal_feed_child (vireo_serial_console_get_terminal (console), "z", 1);
  wait_for_text (console, "<Z>");
  done_at_echo = calls.done;
  g_test_message ("the echo came back after %u of %u queued calls", done_at_echo, SLOW_CALLS);
  g_assert_cmpuint (done_at_echo, <, SLOW_CALLS);
  vireo_test_wait_for (all_done, &calls, 60, "the queued calls");

  destroy_and_forget (window, console);
  g_assert_cmpint (virDomainDestroy (dom), ==, 0);
  virDomainFree (dom);
  virConnectClose (direct);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("LANGUAGE", "C", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  vireo_test_quiet_libvirt_glib ();
  vireo_virt_init ();

  g_test_add_func ("/serial-console/echo-local", test_echo_local);
  g_test_add_data_func ("/serial-console/echo-tcp", "VIREO_TEST_TCP_URI", test_echo_remote);
  g_test_add_data_func ("/serial-console/echo-ssh", "VIREO_TEST_SSH_URI", test_echo_remote);
  g_test_add_func ("/serial-console/typing-beside-slow-calls", test_typing_beside_slow_calls);

  {
    int ret = g_test_run ();

    /* Every worker and console thread ended. */
    g_assert_true (vireo_worker_wait_all (30 * G_USEC_PER_SEC));
    /* What the threads handed back to the main thread last. */
    while (g_main_context_iteration (NULL, FALSE))
      ;
    return ret;
  }
}
