/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-virt"

#include "config.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libvirt-glib/libvirt-glib.h>

#include "vireo-virt.h"
#include "vireo-worker.h"

static void
quiet_error_handler (void        *user_data,
                     virErrorPtr  error)
{
  /* Errors reach the user through GErrors; libvirt's default handler would
   * also print every one of them to stderr. */
}

/**
 * vireo_virt_init:
 *
 * Registers libvirt's event loop on the GLib main context. Must run on the
 * main thread before the first connection is opened: keepalive and events
 * only work on connections opened after it.
 */
void
vireo_virt_init (void)
{
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      if (virInitialize () < 0)
        g_warning ("libvirt failed to initialize");
      virSetErrorFunc (NULL, quiet_error_handler);
      vireo_main_thread_init ();
      gvir_event_register ();
      g_type_ensure (VIREO_TYPE_DOMAIN);
      g_once_init_leave (&initialized, 1);
    }
}
