/*
 * main.c - dispatch on the command; messages and exit statuses.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

volatile sig_atomic_t cli_stop;

static void
on_signal(int sig)
{
	(void)sig;
	cli_stop = 1;
}

void
cli_signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* Output to a closed pipe: EPIPE on write, never death mid-erase. */
	signal(SIGPIPE, SIG_IGN);
}

void
cli_err(const char *fmt, ...)
{
	va_list ap;

	fputs("wipecert: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
cli_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("wipecert: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
cli_say(const struct cli_msgs *m, enum cli_msg_kind kind, const char *fmt,
	...)
{
	char buf[2048];
	va_list ap;

	va_start(ap, fmt);
	if (m != NULL && m->fn != NULL) {
		vsnprintf(buf, sizeof(buf), fmt, ap);
		m->fn(m->ctx, kind, buf);
	} else if (kind == CLI_MSG_OUT) {
		vprintf(fmt, ap);
	} else {
		fputs(kind == CLI_MSG_WARN ? "wipecert: warning: "
					   : "wipecert: ", stderr);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}

/* Interrupted outranks everything; then refused, I/O, failed, usage. */
int
cli_config_check(const char *path)
{
	const char *name = path ? path : getenv("WIPECERT_CONFIG");
	struct wc_config cfg;
	unsigned line = 0;
	int ret, st = CLI_OK;

	if (name == NULL || *name == '\0')
		name = WC_CONFIG_DEFAULT;
	wc_config_init(&cfg);
	ret = wc_config_load(&cfg, path, &line);
	if (ret == -EINVAL && line > 0) {
		cli_err("configuration '%s', line %u: unknown key, no '=', or "
			"a key given twice", name, line);
		st = CLI_KEYCONF;
	} else if (ret != 0) {
		cli_err("cannot read the configuration '%s': %s", name,
			strerror(-ret));
		st = CLI_KEYCONF;
	} else if (cfg.timezone != NULL && wc_tz_set(cfg.timezone) != 0) {
		cli_err("unknown time zone '%s' in '%s'", cfg.timezone, name);
		st = CLI_KEYCONF;
	}
	wc_config_release(&cfg);
	return st;
}

int
cli_worse(int a, int b)
{
	static const int rank[] = {
		[CLI_OK] = 0,	   [CLI_USAGE] = 1,	[CLI_FAILED] = 2,
		[CLI_TAMPERED] = 3, [CLI_UNTRUSTED] = 3, [CLI_KEYCONF] = 4,
		[CLI_IO] = 5,	   [CLI_REFUSED] = 6,	[CLI_INTERRUPTED] = 7,
	};

	if (a < 0 || a > CLI_KEYCONF)
		return a;
	if (b < 0 || b > CLI_KEYCONF)
		return b;
	return rank[b] > rank[a] ? b : a;
}

static void
usage(FILE *f)
{
	fputs("usage: wipecert [--version] [--help] COMMAND [ARGS]\n"
	      "\n"
	      "commands:\n"
	      "  list [--json]                      drives, contents, "
	      "and what is refused\n"
	      "  wipe TARGET... [--method M] ...    erase, verify and "
	      "record\n"
	      "  verify TARGET --expect E [--full]  verification alone\n"
	      "  probe --ata-identify|--nvme-id-ctrl FILE  decode a saved "
	      "identify dump\n"
	      "  cert verify|show|issue FILE        check, print or issue "
	      "a certificate\n"
	      "  key ca-init|init|csr|import|show   the root CA and "
	      "signing keys\n"
	      "  register verify|list|show|add|export  the media register "
	      "(管理簿)\n"
	      "  destroy [DEVICE] --method M ...   record a physical "
	      "destruction\n"
	      "  report --contract ID               the contract-end "
	      "report (第22条)\n"
	      "  tui [--config FILE]                the technician's "
	      "full-screen UI\n"
	      "\n"
	      "'wipecert COMMAND --help' describes a command; "
	      "see wipecert(8).\n",
	      f);
}

int
main(int argc, char **argv)
{
	const char *cmd;

	/* On a terminal, no command is the technician's text UI. */
	if (argc < 2 && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		return cmd_tui(argc, argv);
	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
	    strcmp(cmd, "help") == 0) {
		usage(stdout);
		return CLI_OK;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
		printf("wipecert %s\n", WIPECERT_VERSION);
		return CLI_OK;
	}
	if (strcmp(cmd, "list") == 0)
		return cmd_list(argc - 1, argv + 1);
	if (strcmp(cmd, "wipe") == 0)
		return cmd_wipe(argc - 1, argv + 1);
	if (strcmp(cmd, "verify") == 0)
		return cmd_verify(argc - 1, argv + 1);
	if (strcmp(cmd, "probe") == 0)
		return cmd_probe(argc - 1, argv + 1);
	if (strcmp(cmd, "cert") == 0)
		return cmd_cert(argc - 1, argv + 1);
	if (strcmp(cmd, "key") == 0)
		return cmd_key(argc - 1, argv + 1);
	if (strcmp(cmd, "register") == 0)
		return cmd_register(argc - 1, argv + 1);
	if (strcmp(cmd, "destroy") == 0)
		return cmd_destroy(argc - 1, argv + 1);
	if (strcmp(cmd, "report") == 0)
		return cmd_report(argc - 1, argv + 1);
	if (strcmp(cmd, "tui") == 0)
		return cmd_tui(argc - 1, argv + 1);
	cli_err("unknown command '%s'", cmd);
	usage(stderr);
	return CLI_USAGE;
}
