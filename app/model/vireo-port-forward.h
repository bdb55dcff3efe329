/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Which field a refused port forward is wrong in, so an editor can put
 * the message next to it. */
typedef enum
{
  VIREO_PORT_FORWARD_FIELD_NONE,
  VIREO_PORT_FORWARD_FIELD_PROTO,
  VIREO_PORT_FORWARD_FIELD_ADDRESS,
  VIREO_PORT_FORWARD_FIELD_HOST_PORTS,
  VIREO_PORT_FORWARD_FIELD_GUEST_PORT,
} VireoPortForwardField;

/* One <range> of a <portForward>: host ports start..end go to guest ports
 * to..to+(end-start). 0 means the attribute is left out: no end is a
 * single port, no "to" keeps the port number. An excluded range takes
 * ports out of the others (or out of all of them when it is alone). */
typedef struct
{
  guint    start;
  guint    end;
  guint    to;
  gboolean exclude;
} VireoPortRange;

/* One <portForward>: what passt forwards from the host to the guest. */
typedef struct
{
  char   *proto;    /* "tcp" or "udp" */
  char   *address;  /* nullable: the host address to listen on; NULL is every one */
  char   *dev;      /* nullable: the host interface; Vireo only keeps it */
  GArray *ranges;   /* VireoPortRange; empty forwards every port */
} VireoPortForward;

#define VIREO_TYPE_PORT_FORWARD (vireo_port_forward_get_type ())

GType             vireo_port_forward_get_type     (void) G_GNUC_CONST;
VireoPortForward *vireo_port_forward_new          (const char              *proto);
VireoPortForward *vireo_port_forward_copy         (const VireoPortForward  *self);
void              vireo_port_forward_free         (VireoPortForward        *self);
void              vireo_port_forward_add_range    (VireoPortForward        *self,
                                                   guint                    start,
                                                   guint                    end,
                                                   guint                    to,
                                                   gboolean                 exclude);
gboolean          vireo_port_forward_equal        (const VireoPortForward  *a,
                                                   const VireoPortForward  *b);
gboolean          vireo_port_forward_validate     (const VireoPortForward  *self,
                                                   VireoPortForwardField   *field,
                                                   GError                 **error);
gboolean          vireo_port_forward_overlaps     (const VireoPortForward  *a,
                                                   const VireoPortForward  *b,
                                                   guint                   *port);
gboolean          vireo_port_forward_is_simple    (const VireoPortForward  *self);
gboolean          vireo_port_forward_set_simple   (VireoPortForward        *self,
                                                   const char              *proto,
                                                   const char              *address,
                                                   const char              *host_ports,
                                                   const char              *guest_port,
                                                   VireoPortForwardField   *field,
                                                   GError                 **error);
char             *vireo_port_forward_dup_host_ports (const VireoPortForward *self);
char             *vireo_port_forward_dup_guest_port (const VireoPortForward *self);
char             *vireo_port_forward_dup_summary  (const VireoPortForward  *self);
gboolean          vireo_port_forward_parse_ports  (const char              *text,
                                                   guint                   *start,
                                                   guint                   *end,
                                                   GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoPortForward, vireo_port_forward_free)

G_END_DECLS
