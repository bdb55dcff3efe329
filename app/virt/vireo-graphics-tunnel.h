/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * A graphical console of a machine on another host, reached through the
 * OpenSSH transport of the connection: the daemon cannot hand a socket
 * over the network, so Vireo opens an SSH channel to where the display
 * listens on the far side, with the connection URI's own ssh settings.
 */

/* How a display is reached for a connection URI. */
typedef enum
{
  VIREO_GRAPHICS_ROUTE_LOCAL,    /* the daemon hands the socket over */
  VIREO_GRAPHICS_ROUTE_SSH,      /* an OpenSSH channel to the display */
  VIREO_GRAPHICS_ROUTE_REFUSED,  /* another remote transport: not reachable */
} VireoGraphicsRoute;

typedef enum
{
  VIREO_GRAPHICS_LISTEN_ADDRESS,
  VIREO_GRAPHICS_LISTEN_SOCKET,
} VireoGraphicsListenKind;

/* Where a running machine's display listens, as seen on its host. */
typedef struct
{
  char                    *type;     /* "vnc" or "spice" */
  VireoGraphicsListenKind  kind;
  char                    *address;  /* ADDRESS: to connect to; a wildcard becomes loopback */
  guint                    port;     /* ADDRESS */
  char                    *socket;   /* SOCKET: the path on the far side */
} VireoGraphicsTarget;

void                 vireo_graphics_target_free          (VireoGraphicsTarget        *target);
VireoGraphicsTarget *vireo_graphics_target_parse         (const char                 *domain_xml,
                                                          guint                       index,
                                                          GError                    **error);

VireoGraphicsRoute   vireo_graphics_route_for_uri        (const char                 *uri,
                                                          GError                    **error);

char                *vireo_graphics_tunnel_control_name  (const char                 *uri,
                                                          GError                    **error);
GStrv                vireo_graphics_tunnel_master_argv   (const char                 *uri,
                                                          const char                 *control_path,
                                                          GError                    **error);
GStrv                vireo_graphics_tunnel_channel_argv  (const char                 *uri,
                                                          const VireoGraphicsTarget  *target,
                                                          const char                 *control_path,
                                                          GError                    **error);
char                *vireo_graphics_tunnel_socket_command (const char                *path);

void                 vireo_graphics_tunnel_open_async    (const char                 *uri,
                                                          const VireoGraphicsTarget  *target,
                                                          GCancellable               *cancellable,
                                                          GAsyncReadyCallback         callback,
                                                          gpointer                    user_data);
int                  vireo_graphics_tunnel_open_finish   (GAsyncResult               *result,
                                                          GError                    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoGraphicsTarget, vireo_graphics_target_free)

G_END_DECLS
