/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * vireo-askpass: routes OpenSSH's questions to Vireo's dialog.
 *
 * libvirt's qemu+ssh transport runs the ssh program with a scrubbed
 * environment and no terminal, so ssh cannot ask for a password or about a
 * new host key by itself. Vireo puts two links to this program in a private
 * directory (mode 0700, one per Vireo process) and opens ssh connections
 * with `command=DIR/ssh`:
 *
 *   DIR/ssh      sets SSH_ASKPASS=DIR/askpass and SSH_ASKPASS_REQUIRE=force,
 *                then runs the real ssh (named in DIR/ssh-program) with the
 *                same arguments.
 *   DIR/askpass  what ssh runs with the question as its argument: sends it
 *                (and ssh's own command line, so Vireo can tell which
 *                connection asks) over DIR/askpass.sock, waits for the
 *                user's answer and prints it for ssh. ssh's pid goes
 *                along too: asked again by the same ssh means refused.
 *
 * Nothing here is a shell string and nothing is written to disk; the answer
 * only ever passes through the socket and this process's stdout pipe to ssh.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_MESSAGE (64 * 1024)

static char *
dir_of (const char *argv0)
{
  char *copy = strdup (argv0);
  char *dir;

  if (copy == NULL)
    return NULL;
  dir = strdup (dirname (copy));
  free (copy);
  return dir;
}

static char *
join (const char *dir,
      const char *name)
{
  size_t len = strlen (dir) + 1 + strlen (name) + 1;
  char *path = malloc (len);

  if (path != NULL)
    snprintf (path, len, "%s/%s", dir, name);
  return path;
}

static int
run_ssh (const char *dir,
         int         argc,
         char      **argv)
{
  char program[PATH_MAX] = "ssh";
  char *askpass = join (dir, "askpass");
  char *program_file = join (dir, "ssh-program");
  FILE *f;
  char **args;

  if (askpass == NULL || program_file == NULL)
    return 255;

  f = fopen (program_file, "re");
  if (f != NULL)
    {
      if (fgets (program, sizeof program, f) == NULL)
        strcpy (program, "ssh");
      program[strcspn (program, "\n")] = '\0';
      fclose (f);
    }

  setenv ("SSH_ASKPASS", askpass, 1);
  setenv ("SSH_ASKPASS_REQUIRE", "force", 1);

  args = calloc ((size_t) argc + 1, sizeof (char *));
  if (args == NULL)
    return 255;
  args[0] = program;
  for (int i = 1; i < argc; i++)
    args[i] = argv[i];
  execvp (program, args);
  fprintf (stderr, "vireo-askpass: cannot run %s: %s\n", program, strerror (errno));
  return 255;
}

static int
write_all (int         fd,
           const void *buf,
           size_t      len)
{
  const char *p = buf;

  while (len > 0)
    {
      ssize_t n = write (fd, p, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return -1;
      p += n;
      len -= (size_t) n;
    }
  return 0;
}

static int
read_all (int    fd,
          void  *buf,
          size_t len)
{
  char *p = buf;

  while (len > 0)
    {
      ssize_t n = read (fd, p, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return -1;
      p += n;
      len -= (size_t) n;
    }
  return 0;
}

static int
send_block (int         fd,
            const char *data,
            size_t      len)
{
  uint32_t n = (uint32_t) len;

  if (write_all (fd, &n, sizeof n) < 0)
    return -1;
  return write_all (fd, data, len);
}

/* ssh's argv, NUL-separated, as the kernel keeps it. */
static size_t
read_parent_cmdline (char   *buf,
                     size_t  size)
{
  char path[64];
  int fd;
  ssize_t n;
  size_t total = 0;

  snprintf (path, sizeof path, "/proc/%ld/cmdline", (long) getppid ());
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  while (total < size && (n = read (fd, buf + total, size - total)) > 0)
    total += (size_t) n;
  close (fd);
  return total;
}

static int
ask (const char *dir,
     const char *prompt)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  char *sock_path = join (dir, "askpass.sock");
  static char cmdline[MAX_MESSAGE];
  size_t cmdline_len = read_parent_cmdline (cmdline, sizeof cmdline);
  char ppid[32];
  char status;
  uint32_t len;
  char *answer;
  int fd;

  if (sock_path == NULL || strlen (sock_path) >= sizeof addr.sun_path)
    return 1;
  strcpy (addr.sun_path, sock_path);

  fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    {
      fprintf (stderr, "vireo-askpass: Vireo is not listening at %s\n", sock_path);
      return 1;
    }

  snprintf (ppid, sizeof ppid, "%ld", (long) getppid ());
  if (send_block (fd, prompt, strlen (prompt)) < 0
      || send_block (fd, cmdline, cmdline_len) < 0
      || send_block (fd, ppid, strlen (ppid)) < 0)
    return 1;

  /* Blocks until the user answers: that is the point. */
  if (read_all (fd, &status, 1) < 0 || status != '+')
    return 1;
  if (read_all (fd, &len, sizeof len) < 0 || len > MAX_MESSAGE)
    return 1;
  answer = malloc ((size_t) len + 1);
  if (answer == NULL || read_all (fd, answer, len) < 0)
    return 1;
  answer[len] = '\0';
  close (fd);

  if (write_all (STDOUT_FILENO, answer, len) < 0 || write_all (STDOUT_FILENO, "\n", 1) < 0)
    return 1;
  memset (answer, 0, len);
  free (answer);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  char *dir;
  const char *name;

  if (argc < 1 || argv[0][0] != '/')
    {
      fprintf (stderr, "vireo-askpass: run by Vireo through an absolute path only\n");
      return 255;
    }

  dir = dir_of (argv[0]);
  name = strrchr (argv[0], '/') + 1;
  if (dir == NULL)
    return 255;

  if (strcmp (name, "ssh") == 0)
    return run_ssh (dir, argc, argv);
  if (strcmp (name, "askpass") == 0)
    return ask (dir, argc > 1 ? argv[1] : "");

  fprintf (stderr, "vireo-askpass: Vireo's SSH helper; not meant to be run directly\n");
  return 255;
}
