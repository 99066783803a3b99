/*
 * tui.h - the technician's full-screen text UI (`wipecert tui`), private
 * to cli/tui*.c.  The UI only draws and reads keys: discovery, safety,
 * planning, the erase and the certificates are the same calls as the
 * command line's (cli/cmd_list.c, cli/wipe_run.c, cli/job.c).
 *
 * It works at 80x24 on the Linux console and over a serial line: ACS
 * line drawing, bold and reverse video, no colour.
 */
#ifndef WIPECERT_TUI_H
#define WIPECERT_TUI_H

#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <wchar.h>

#include "cli/cli.h"

#define TUI_TEXT_MAX 128	/* characters of a typed field */
#define TUI_UTF8_MAX (TUI_TEXT_MAX * 4 + 1)
#define TUI_MAX_METHODS 24
#define TUI_NOTE_MAX 200
#define TUI_SCAN_MS 2000	/* re-discovery on the list screen */
#define TUI_MIN_COLS 80
#define TUI_MIN_LINES 24

enum tui_screen {
	TUI_LIST = 0,		/* the drives */
	TUI_SETUP,		/* people, 管理番号, technique, verification */
	TUI_CONFIRM,		/* type each serial */
	TUI_RUN,		/* progress */
	TUI_DONE,		/* results and certificates */
	TUI_QUIT,
};

/* Messages kept as strings (struct cli_msgs's sink). */
struct tui_msgs {
	char **v;		/* "warning: ..." for warnings */
	size_t n;
};

void tui_msgs_add(struct tui_msgs *m, enum cli_msg_kind kind,
		  const char *text);
void tui_msgs_clear(struct tui_msgs *m);
/* A struct cli_msgs that keeps messages in m. */
struct cli_msgs tui_msgs_sink(struct tui_msgs *m);

/* One device of the last discovery, with the technician's choices. */
struct tui_drive {
	struct wipe_ident seen;		/* as discovery found it (sysfs) */
	struct wipe_ident id;		/* ... and as the drive answered */
	struct list_entry e;		/* contents and refusal; e.id = &id */
	char contents[512];		/* libblkid summary, one line */
	char supports[200];
	const char *methods[TUI_MAX_METHODS];	/* valid here, auto first */
	char notes[TUI_MAX_METHODS][TUI_NOTE_MAX];	/* what each does */
	size_t nmethods;
	int selected;
	wchar_t asset[TUI_TEXT_MAX];	/* 管理番号 */
	size_t method;			/* index into methods */
	size_t vmode;			/* index into tui_vmode_names */
};

extern const char *const tui_vmode_names[];	/* sample, full, none */

/* One row of the set-up form. */
enum tui_row_kind {
	TUI_ROW_HEAD = 0,	/* a drive's heading */
	TUI_ROW_NOTE,		/* text under a field */
	TUI_ROW_TEXT,		/* typed text */
	TUI_ROW_CHOICE,		/* one of choices, Left/Right */
	TUI_ROW_BUTTON,
};

struct tui_row {
	enum tui_row_kind kind;
	char label[96];
	wchar_t *text;			/* TEXT: TUI_TEXT_MAX characters */
	const char *const *choices;	/* CHOICE */
	size_t nchoices;
	size_t *choice;
	struct tui_drive *drive;	/* NOTE: the technique's note */
};

struct tui_form {
	struct tui_row *rows;
	size_t n;
	size_t focus;
	size_t top;
};

/* One wipe of the selected drives, from set-up to the final screen. */
struct tui_batch {
	struct wiperun run;
	int have_run;
	struct cli_msgs sink;		/* into the message area */
	struct job *jobs;
	char **targets;			/* owned copies of the paths */
	char **assets;			/* UTF-8, NULL when none */
	const char **methods;		/* as chosen ("auto") */
	size_t n;
	size_t confirming;		/* the job being confirmed */
	wchar_t typed[TUI_TEXT_MAX];
	struct tui_msgs *jmsgs;		/* per job: the final report */
	struct wc_rate *rate;
	int *last_phase;
	unsigned *last_pass;
	char operator_name[TUI_UTF8_MAX];
	char witness[TUI_UTF8_MAX];
	char contract[TUI_UTF8_MAX];
	int status;			/* worst exit status of the jobs */
};

struct tui {
	enum tui_screen screen;
	const char *config;		/* --config */
	const char *outdir;		/* --output-dir */
	const char *register_path;	/* --register */
	int sigfd;			/* SIGINT, SIGTERM, SIGHUP */
	struct tui_drive **drives;
	size_t ndrives;
	size_t nhidden;			/* devices without media */
	size_t cursor;
	size_t top;
	uint64_t next_scan;		/* wc_mono_ns() */
	wchar_t operator_name[TUI_TEXT_MAX];
	wchar_t witness[TUI_TEXT_MAX];
	wchar_t contract[TUI_TEXT_MAX];
	struct tui_form form;
	struct tui_batch *b;		/* NULL outside a wipe */
	struct tui_msgs status;		/* the message area */
	int asking_abort;		/* Ctrl-C during a wipe */
	int hangup;			/* the terminal went away */
	size_t scroll;			/* run and done screens */
	int exit_status;
};

/* ---- drawing (cli/tui_draw.c) --------------------------------------- */

/* snprintf for the screen: text too long for a line is cut, as meant. */
void tui_fmt(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Text at (y, x) in at most width columns (wide characters counted by
 * their width), padded with spaces to width when pad. */
void tui_put(int y, int x, int width, const char *utf8, int pad);
void tui_wput(int y, int x, int width, const wchar_t *s, int pad);
/* Columns s takes on screen. */
int tui_width(const char *utf8);
/* Title, box, message area and key help; returns the box's inner rows
 * (first row in *top, count in *rows). */
void tui_frame(const struct tui *t, const char *title, const char *help,
	       int *top, int *rows);
/* A horizontal rule across the box at row y. */
void tui_rule(int y);
/* [#####.....] of ppm (parts per million) in width columns. */
void tui_bar(int y, int x, int width, uint32_t ppm);
/* Break utf8 into lines of at most width columns, calling line() for
 * each (at most 1023 bytes); '\n' breaks too.  Returns the count. */
size_t tui_wrap(const char *utf8, int width, int indent,
		void (*line)(void *ctx, const char *s), void *ctx);
/* The screen is at least 80x24?  Draws a notice when not. */
int tui_size_ok(void);
/* Lines of text wrapped to the box, drawn from a scroll offset. */
struct tui_lines {
	char **v;
	int *bold;
	size_t n;
};

/* Add text (wrapped, continuation lines indented).  0 or -ENOMEM. */
int tui_lines_add(struct tui_lines *l, int bold, int indent,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Draw rows lines from *scroll (clamped) at (top, 2). */
void tui_lines_draw(const struct tui_lines *l, int top, int rows,
		    size_t *scroll);
void tui_lines_free(struct tui_lines *l);
/* UTF-8 of a typed field (out: TUI_UTF8_MAX bytes). */
void tui_utf8(char *out, const wchar_t *in);
/* Wide copy of utf8 into out (TUI_TEXT_MAX characters). */
void tui_wide(wchar_t *out, const char *utf8);
/* Apply one key to a typed field; returns 1 when it changed. */
int tui_edit(wchar_t *text, int is_key, wint_t ch);

/* ---- the screens ----------------------------------------------------- */

/* cli/tui_list.c */
void tui_scan(struct tui *t);
void tui_drives_free(struct tui *t);
void tui_draw_list(struct tui *t);
void tui_key_list(struct tui *t, int is_key, wint_t ch);
size_t tui_selected(const struct tui *t);

/* cli/tui_setup.c */
void tui_setup_enter(struct tui *t);
void tui_form_free(struct tui_form *f);
void tui_draw_setup(struct tui *t);
void tui_key_setup(struct tui *t, int is_key, wint_t ch);
void tui_draw_confirm(struct tui *t);
void tui_key_confirm(struct tui *t, int is_key, wint_t ch);
/* Close the devices, release the jobs and keys of a wipe. */
void tui_batch_free(struct tui_batch *b);

/* cli/tui_run.c */
void tui_run(struct tui *t);
void tui_draw_run(struct tui *t);
void tui_draw_done(struct tui *t);
void tui_key_done(struct tui *t, int is_key, wint_t ch);

/* cli/tui.c: the next key (get_wch(), unknown escape sequences
 * swallowed): ERR, OK or KEY_CODE_YES. */
int tui_getkey(wint_t *ch);
/* Read pending signals; 1 when there were any. */
int tui_signals(struct tui *t);
/* Leave the screen for a moment (a passphrase on the terminal). */
void tui_suspend(void);
void tui_resume(void);
/* Replace the message area with one message. */
void tui_status(struct tui *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
