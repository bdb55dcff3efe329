/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* libFuzzer's entry point; fuzz-main.c calls it too, for the corpus
 * regression run on compilers without libFuzzer. */
int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);
