/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "vireo-virt"

#include "config.h"

#include <glib/gi18n.h>
#include <libvirt/virterror.h>

#include "vireo-connection-private.h"
#include "vireo-virt-error.h"

/*
 * Error handling the worker-side listings and actions share (lookup,
 * networks, storage, the map).
 */

GError *
_vireo_error_from_last (const char *what)
{
  GError *error = vireo_virt_error_from_last (what);

  /* libvirt's own words first when it had any; ours only when not. */
  if (g_strcmp0 (error->message, what) != 0)
    g_prefix_error (&error, "%s: ", what);
  return error;
}

gboolean
_vireo_return_if_not_connected (GTask         *task,
                                virConnectPtr  conn)
{
  if (conn != NULL)
    return FALSE;
  g_task_return_new_error (task, VIREO_VIRT_ERROR, VIREO_VIRT_ERROR_NOT_CONNECTED,
                           _("Not connected to the host"));
  return TRUE;
}

/* A driver without this kind of object (no interface driver on a session
 * daemon or an ESX host, no network or storage driver on some remotes) has
 * none of them: an empty list, not an error the user can do nothing about. */
gboolean
_vireo_driver_lacks_it (void)
{
  if (virGetLastErrorCode () != VIR_ERR_NO_SUPPORT)
    return FALSE;
  virResetLastError ();
  return TRUE;
}

/* An object listed a moment ago and gone by the time it is read (undefined
 * by someone else) is skipped; any other failure fails the whole listing,
 * so a dropped connection never passes for a short list. */
gboolean
_vireo_item_vanished (void)
{
  switch (virGetLastErrorCode ())
    {
    case VIR_ERR_NO_DOMAIN:
    case VIR_ERR_NO_NETWORK:
    case VIR_ERR_NO_INTERFACE:
    case VIR_ERR_NO_STORAGE_POOL:
    case VIR_ERR_NO_STORAGE_VOL:
    case VIR_ERR_NO_NODE_DEVICE:
      virResetLastError ();
      return TRUE;
    default:
      return FALSE;
    }
}

virDomainPtr
_vireo_task_lookup_domain (GTask         *task,
                           virConnectPtr  conn,
                           const char    *uuid)
{
  virDomainPtr dom;

  if (_vireo_return_if_not_connected (task, conn))
    return NULL;
  dom = virDomainLookupByUUIDString (conn, uuid);
  if (dom == NULL)
    g_task_return_error (task, vireo_virt_error_from_last (_("The virtual machine no longer exists")));
  return dom;
}
