/*
 * tui.c - `wipecert tui`: options, the terminal, signals and the loop
 * that reads keys and redraws.  SIGINT, SIGQUIT, SIGTERM and SIGHUP are
 * blocked and read from a signalfd, so that the erase threads never see
 * them and Ctrl-C during a wipe can ask before it aborts (through
 * cli_stop, as the command line does); SIGTSTP is ignored while the
 * screen is up; the terminal is restored on every way out.
 */
#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "cli/tui.h"

void
tui_msgs_add(struct tui_msgs *m, enum cli_msg_kind kind, const char *text)
{
	char **v, *s;
	size_t len;

	if (kind == CLI_MSG_OUT)	/* the screens show files themselves */
		return;
	len = strlen(text) + 10;
	s = malloc(len);
	v = realloc(m->v, (m->n + 1) * sizeof(*v));
	if (v != NULL)
		m->v = v;
	if (s == NULL || v == NULL) {
		free(s);
		return;
	}
	snprintf(s, len, "%s%s", kind == CLI_MSG_WARN ? "warning: " : "",
		 text);
	m->v[m->n++] = s;
}

void
tui_msgs_clear(struct tui_msgs *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->v[i]);
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

static void
msgs_fn(void *ctx, enum cli_msg_kind kind, const char *text)
{
	tui_msgs_add(ctx, kind, text);
}

struct cli_msgs
tui_msgs_sink(struct tui_msgs *m)
{
	struct cli_msgs s = { msgs_fn, m };

	return s;
}

void
tui_status(struct tui *t, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	tui_msgs_clear(&t->status);
	tui_msgs_add(&t->status, CLI_MSG_ERR, buf);
}

void
tui_suspend(void)
{
	def_prog_mode();
	endwin();
}

void
tui_resume(void)
{
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
}

int
tui_signals(struct tui *t)
{
	struct signalfd_siginfo si;
	int any = 0;

	while (read(t->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		any = 1;
		if (t->screen != TUI_RUN) {
			t->screen = TUI_QUIT;
		} else if (si.ssi_signo == SIGINT || si.ssi_signo == SIGQUIT) {
			if (!cli_stop)
				t->asking_abort = 1;	/* ask first */
		} else {
			/* TERM, or the line hung up: no one to ask. */
			cli_stop = 1;
			t->hangup = si.ssi_signo == SIGHUP;
		}
	}
	return any;
}

/*
 * The next key: get_wch()'s result, with escape sequences the terminal
 * type does not describe (Home on a vt100) swallowed rather than read
 * as Esc and letters.
 */
int
tui_getkey(wint_t *ch)
{
	wint_t c;
	int r = get_wch(ch);

	if (r != OK || *ch != 27)
		return r;
	r = get_wch(&c);
	if (r == ERR)
		return OK;	/* Esc alone */
	if (r == OK && (c == '[' || c == 'O')) {
		/* CSI or SS3: parameters, then a final byte. */
		while ((r = get_wch(&c)) == OK && !(c >= 0x40 && c <= 0x7e))
			;
		return tui_getkey(ch);
	}
	*ch = c;	/* Alt-key: the key */
	return r;
}

static void
draw(struct tui *t)
{
	if (!tui_size_ok())
		return;
	switch (t->screen) {
	case TUI_LIST: tui_draw_list(t); break;
	case TUI_SETUP: tui_draw_setup(t); break;
	case TUI_CONFIRM: tui_draw_confirm(t); break;
	case TUI_RUN: tui_draw_run(t); break;
	case TUI_DONE: tui_draw_done(t); break;
	case TUI_QUIT: return;
	}
	refresh();
}

static void
key(struct tui *t, int is_key, wint_t ch)
{
	if (is_key && ch == KEY_RESIZE)
		return;
	if (COLS < TUI_MIN_COLS || LINES < TUI_MIN_LINES) {
		if (!is_key && ch == 'q' && t->screen == TUI_LIST)
			t->screen = TUI_QUIT;
		return;
	}
	switch (t->screen) {
	case TUI_LIST: tui_key_list(t, is_key, ch); break;
	case TUI_SETUP: tui_key_setup(t, is_key, ch); break;
	case TUI_CONFIRM: tui_key_confirm(t, is_key, ch); break;
	case TUI_DONE: tui_key_done(t, is_key, ch); break;
	case TUI_RUN: case TUI_QUIT: break;
	}
}

/* Milliseconds to wait for input: the list rescans on its own. */
static int
wait_ms(const struct tui *t)
{
	uint64_t now = wc_mono_ns();

	if (t->screen != TUI_LIST)
		return -1;
	if (now >= t->next_scan)
		return 0;
	return (int)((t->next_scan - now) / 1000000ULL) + 1;
}

static void
loop(struct tui *t)
{
	struct pollfd pfd[2];
	wint_t ch;
	int r;

	while (t->screen != TUI_QUIT) {
		if (t->screen == TUI_LIST && wc_mono_ns() >= t->next_scan)
			tui_scan(t);
		draw(t);
		pfd[0].fd = STDIN_FILENO;
		pfd[0].events = POLLIN;
		pfd[1].fd = t->sigfd;
		pfd[1].events = POLLIN;
		r = poll(pfd, 2, wait_ms(t));
		if (r < 0 && errno != EINTR)
			break;
		if (r > 0 && (pfd[1].revents & POLLIN))
			tui_signals(t);
		if (r > 0 && (pfd[0].revents & (POLLHUP | POLLERR)) &&
		    !(pfd[0].revents & POLLIN)) {
			t->screen = TUI_QUIT;	/* the terminal is gone */
			break;
		}
		while (t->screen != TUI_QUIT && (r = tui_getkey(&ch)) != ERR)
			key(t, r == KEY_CODE_YES, ch);
	}
}

static void
tui_usage(FILE *f)
{
	fputs("usage: wipecert tui [--config FILE] [--output-dir DIR] "
	      "[--register FILE]\nSee wipecert-tui(8).\n", f);
}

/* Returns -1 to go on, else an exit status. */
static int
parse_args(struct tui *t, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "output-dir", required_argument, NULL, 'o' },
		{ "register", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': t->config = optarg; break;
		case 'o': t->outdir = optarg; break;
		case 'r': t->register_path = optarg; break;
		case 'h': tui_usage(stdout); return CLI_OK;
		default: tui_usage(stderr); return CLI_USAGE;
		}
	}
	if (optind != argc) {
		cli_err("tui takes no arguments");
		return CLI_USAGE;
	}
	return -1;
}

/* Operator, witness and contract from the configuration, to edit. */
static void
prefill(struct tui *t)
{
	struct cli_msgs sink = tui_msgs_sink(&t->status);
	struct wiperun r;

	if (wiperun_init(&r) != CLI_OK)
		return;
	r.msgs = &sink;
	r.config = t->config;
	if (wiperun_load_config(&r) == CLI_OK) {
		tui_wide(t->operator_name, r.people.operator_name);
		tui_wide(t->witness, r.people.witness);
		tui_wide(t->contract, r.contract.number);
		if (r.cfg.source[0])
			tui_status(t, "configuration %s", r.cfg.source);
		else
			tui_status(t, "no configuration file (%s)",
				   WC_CONFIG_DEFAULT);
	}
	wiperun_release(&r);
}

/* UTF-8 in and out whatever the environment says: 管理番号 and names. */
static void
set_locale(void)
{
	setlocale(LC_ALL, "");
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		setlocale(LC_CTYPE, "C.UTF-8");
}

/* Signals that were blocked and are pending go, then the old mask. */
static void
signals_restore(int fd, const sigset_t *set, const sigset_t *old)
{
	struct timespec zero = { 0, 0 };

	if (fd >= 0)
		close(fd);
	while (sigtimedwait(set, NULL, &zero) > 0)
		;
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

static int
run_screen(struct tui *t)
{
	struct sigaction ign, tstp;
	SCREEN *scr;

	/* Ctrl-Z would stop the erase threads with the UI, and a console
	 * started by init has no shell to continue them. */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGTSTP, &ign, &tstp);
	scr = newterm(NULL, stdout, stdin);
	if (scr == NULL) {
		sigaction(SIGTSTP, &tstp, NULL);
		cli_err("cannot use the terminal '%s' (TERM)",
			getenv("TERM") ? getenv("TERM") : "");
		return CLI_USAGE;
	}
	set_term(scr);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(50);
	curs_set(0);
	tui_scan(t);
	loop(t);
	/* The shell's prompt on a clean screen (a console keeps no
	 * alternate screen to go back to). */
	erase();
	refresh();
	curs_set(1);
	endwin();
	delscreen(scr);
	sigaction(SIGTSTP, &tstp, NULL);
	return t->exit_status;
}

int
cmd_tui(int argc, char **argv)
{
	struct tui t;
	sigset_t set, old;
	int st;

	memset(&t, 0, sizeof(t));
	st = parse_args(&t, argc, argv);
	if (st >= 0)
		return st;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		cli_err("tui needs a terminal on standard input and output");
		return CLI_USAGE;
	}
	set_locale();
	prefill(&t);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	t.sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (t.sigfd < 0) {
		cli_err("cannot watch for signals: %s", strerror(errno));
		st = CLI_IO;
	} else {
		st = run_screen(&t);
	}
	tui_batch_free(t.b);
	tui_drives_free(&t);
	tui_form_free(&t.form);
	tui_msgs_clear(&t.status);
	signals_restore(t.sigfd, &set, &old);
	return st;
}
