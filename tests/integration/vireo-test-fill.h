/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <string.h>

#include <glib.h>

/* A guest whose memory is not zero pages: shared by the save and migrate
 * integration tests, whose jobs must take seconds to be watched. */

/* What the boot sector writes on COM2 once memory is filled. */
#define FILLED "VIREO-FILLED"

/*
 * A boot sector (loaded by SeaBIOS at 0000:7C00 from the first disk) that
 * switches to 32-bit protected mode with flat segments, fills memory from
 * 1 MiB up with a non-zero pattern (the count of 32-bit words is patched
 * in at FILL_COUNT_AT), writes FILLED on COM2 and halts with interrupts
 * off. Made with GNU as (--32, ld -Ttext 0x7c00 --oformat binary).
 */
#define FILL_COUNT_AT 0x36

static inline void
vireo_test_write_fill_image (const char *path,
                  guint       memory_mib)
{
  static const guint8 code[] = {
    0xfa,                               /* 00: cli */
    0x31, 0xc0,                         /* 01: xor ax, ax */
    0x8e, 0xd8,                         /* 03: mov ds, ax */
    0x8e, 0xd0,                         /* 05: mov ss, ax */
    0xbc, 0x00, 0x7c,                   /* 07: mov sp, 0x7c00 */
    0xe4, 0x92,                         /* 0a: in al, 0x92 (fast A20) */
    0x0c, 0x02,                         /* 0c: or al, 2 */
    0xe6, 0x92,                         /* 0e: out 0x92, al */
    0x66, 0x0f, 0x01, 0x16, 0x70, 0x7c, /* 10: lgdt [0x7c70] */
    0x0f, 0x20, 0xc0,                   /* 16: mov eax, cr0 */
    0x0c, 0x01,                         /* 19: or al, 1 (PE) */
    0x0f, 0x22, 0xc0,                   /* 1b: mov cr0, eax */
    0x66, 0xea, 0x26, 0x7c, 0x00, 0x00, /* 1e: jmp dword 0x08:0x7c26 */
    0x08, 0x00,
    /* 32-bit code */
    0x66, 0xb8, 0x10, 0x00,             /* 26: mov ax, 0x10 (flat data) */
    0x8e, 0xd8,                         /* 2a: mov ds, ax */
    0x8e, 0xc0,                         /* 2c: mov es, ax */
    0x8e, 0xd0,                         /* 2e: mov ss, ax */
    0xbf, 0x00, 0x00, 0x10, 0x00,       /* 30: mov edi, 0x100000 */
    0xb9, 0x00, 0x00, 0x00, 0x00,       /* 35: mov ecx, FILL_COUNT */
    0xb8, 0x5a, 0x96, 0xc3, 0xa5,       /* 3a: mov eax, 0xa5c3965a */
    0xfc,                               /* 3f: cld */
    0xf3, 0xab,                         /* 40: rep stosd */
    0x66, 0xba, 0xf8, 0x02,             /* 42: mov dx, 0x2f8 (COM2) */
    0xbe, 0x76, 0x7c, 0x00, 0x00,       /* 46: mov esi, 0x7c76 (the text) */
    0xac,                               /* 4b: text: lodsb */
    0x84, 0xc0,                         /* 4c: test al, al */
    0x74, 0x03,                         /* 4e: jz halt (0x53) */
    0xee,                               /* 50: out dx, al */
    0xeb, 0xf8,                         /* 51: jmp text (0x4b) */
    0xf4,                               /* 53: halt: hlt */
    0xeb, 0xfd,                         /* 54: jmp halt (0x53) */
    0x66, 0x90,                         /* 56: (padding) */
    /* 58: the GDT: null, flat code, flat data */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xff, 0xff, 0x00, 0x00, 0x00, 0x9a, 0xcf, 0x00,
    0xff, 0xff, 0x00, 0x00, 0x00, 0x92, 0xcf, 0x00,
    0x17, 0x00, 0x58, 0x7c, 0x00, 0x00, /* 70: its limit and base */
  };
  /* From 1 MiB to 1 MiB short of the end, where SeaBIOS keeps its tables. */
  guint32 count = GUINT32_TO_LE ((memory_mib - 2) * 256 * 1024);
  g_autoptr(GByteArray) image = g_byte_array_new ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (sizeof code, ==, 0x76);
  g_byte_array_append (image, code, sizeof code);
  memcpy (image->data + FILL_COUNT_AT, &count, sizeof count);
  g_byte_array_append (image, (const guint8 *) FILLED "\r\n", strlen (FILLED) + 3);
  g_byte_array_set_size (image, 1024 * 1024);
  memset (image->data + 0x76 + strlen (FILLED) + 3, 0, 1024 * 1024 - 0x76 - strlen (FILLED) - 3);
  image->data[510] = 0x55;
  image->data[511] = 0xaa;
  g_file_set_contents (path, (const char *) image->data, image->len, &error);
  g_assert_no_error (error);
}
