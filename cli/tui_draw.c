/*
 * tui_draw.c - drawing helpers of the text UI: text in columns (wide
 * characters counted by their width), the frame every screen shares,
 * progress bars, line wrapping and typed fields.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "cli/tui.h"

#define MSG_ROWS 3	/* the message area above the key help */

void
tui_fmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/* Columns one character takes; control characters show as '?'. */
static int
char_width(wchar_t *c)
{
	int w;

	if (*c < 0x20 || *c == 0x7f) {
		*c = L'?';
		return 1;
	}
	w = wcwidth(*c);
	if (w < 0) {
		*c = L'?';
		return 1;
	}
	return w;
}

void
tui_wput(int y, int x, int width, const wchar_t *s, int pad)
{
	wchar_t c;
	int col = 0, w;

	if (width <= 0)
		return;
	move(y, x);
	for (; s != NULL && *s != L'\0'; s++) {
		c = *s;
		w = char_width(&c);
		if (col + w > width)
			break;
		addnwstr(&c, 1);
		col += w;
	}
	while (pad && col++ < width)
		addch(' ');
}

void
tui_put(int y, int x, int width, const char *utf8, int pad)
{
	wchar_t buf[1024] = { 0 };
	mbstate_t st;
	const char *p = utf8;
	size_t n;

	memset(&st, 0, sizeof(st));
	n = mbsrtowcs(buf, &p, WC_ARRAY_SIZE(buf) - 1, &st);
	if (n == (size_t)-1) {
		/* Not valid in this locale: show bytes as they are. */
		for (n = 0; n < WC_ARRAY_SIZE(buf) - 1 && utf8[n] != '\0'; n++)
			buf[n] = (unsigned char)utf8[n] < 0x80
					 ? (wchar_t)utf8[n] : L'?';
	}
	buf[n] = L'\0';
	tui_wput(y, x, width, buf, pad);
}

int
tui_width(const char *utf8)
{
	mbstate_t st;
	wchar_t c;
	size_t k;
	int w = 0;

	memset(&st, 0, sizeof(st));
	while (*utf8 != '\0') {
		k = mbrtowc(&c, utf8, strlen(utf8), &st);
		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			memset(&st, 0, sizeof(st));
			k = 1;
			c = L'?';
		}
		w += char_width(&c);
		utf8 += k;
	}
	return w;
}

void
tui_rule(int y)
{
	mvaddch(y, 0, ACS_LTEE);
	mvhline(y, 1, ACS_HLINE, COLS - 2);
	mvaddch(y, COLS - 1, ACS_RTEE);
}

/* The last MSG_ROWS lines wrapped. */
struct msg_lines {
	char lines[MSG_ROWS][1024];
	size_t n;
};

static void
keep_line(void *ctx, const char *s)
{
	struct msg_lines *m = ctx;

	if (m->n == WC_ARRAY_SIZE(m->lines)) {
		memmove(m->lines[0], m->lines[1],
			sizeof(m->lines[0]) * (m->n - 1));
		m->n--;
	}
	snprintf(m->lines[m->n++], sizeof(m->lines[0]), "%s", s);
}

/* The last MSG_ROWS lines of the messages. */
static void
draw_messages(const struct tui_msgs *msgs, int y)
{
	struct msg_lines m;
	size_t i;

	m.n = 0;
	for (i = 0; i < msgs->n; i++)
		tui_wrap(msgs->v[i], COLS - 2, 2, keep_line, &m);
	for (i = 0; i < m.n; i++)
		tui_put(y + (int)i, 1, COLS - 2, m.lines[i], 0);
}

void
tui_frame(const struct tui *t, const char *title, const char *help,
	  int *top, int *rows)
{
	int bottom = LINES - MSG_ROWS - 2;
	char right[64];

	erase();
	snprintf(right, sizeof(right), "wipecert %s", WIPECERT_VERSION);
	attron(A_BOLD);
	tui_put(0, 1, COLS - 3 - (int)strlen(right), title, 1);
	attroff(A_BOLD);
	tui_put(0, COLS - 1 - (int)strlen(right), (int)strlen(right), right,
		0);
	mvaddch(1, 0, ACS_ULCORNER);
	mvhline(1, 1, ACS_HLINE, COLS - 2);
	mvaddch(1, COLS - 1, ACS_URCORNER);
	mvvline(2, 0, ACS_VLINE, bottom - 2);
	mvvline(2, COLS - 1, ACS_VLINE, bottom - 2);
	mvaddch(bottom, 0, ACS_LLCORNER);
	mvhline(bottom, 1, ACS_HLINE, COLS - 2);
	mvaddch(bottom, COLS - 1, ACS_LRCORNER);
	draw_messages(&t->status, bottom + 1);
	attron(A_REVERSE);
	tui_put(LINES - 1, 0, COLS, help, 1);
	attroff(A_REVERSE);
	*top = 2;
	*rows = bottom - 2;
}

void
tui_bar(int y, int x, int width, uint32_t ppm)
{
	int inner = width - 2, fill, i;

	if (inner <= 0)
		return;
	fill = (int)((uint64_t)WC_MIN(ppm, 1000000u) * (uint64_t)inner /
		     1000000u);
	mvaddch(y, x, '[');
	for (i = 0; i < inner; i++)
		addch(i < fill ? '#' : '.');
	addch(']');
}

/* Where to break a line that is too long: after the last space, else
 * after the last '/' (a path keeps its file name whole). */
static size_t
break_at(const char *line, size_t len)
{
	size_t i;

	for (i = len; i > len / 2; i--)
		if (line[i - 1] == ' ')
			return i;
	for (i = len; i > len / 2; i--)
		if (line[i - 1] == '/')
			return i;
	return len;
}

static void
emit(char *buf, size_t *len, int *col, int indent,
     void (*line)(void *ctx, const char *s), void *ctx, size_t *count)
{
	buf[*len] = '\0';
	line(ctx, buf);
	(*count)++;
	memset(buf, ' ', (size_t)indent);
	*len = (size_t)indent;
	*col = indent;
}

size_t
tui_wrap(const char *utf8, int width, int indent,
	 void (*line)(void *ctx, const char *s), void *ctx)
{
	char buf[1024], rest[1024];
	size_t len = 0, count = 0, k, cut;
	mbstate_t st;
	wchar_t c;
	int col = 0, w;

	memset(&st, 0, sizeof(st));
	if (indent >= width / 2)
		indent = 0;
	while (*utf8 != '\0') {
		if (*utf8 == '\n') {
			emit(buf, &len, &col, 0, line, ctx, &count);
			utf8++;
			continue;
		}
		k = mbrtowc(&c, utf8, strlen(utf8), &st);
		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			memset(&st, 0, sizeof(st));
			k = 1;
			c = L'?';
		}
		w = char_width(&c);
		if ((col + w > width || len + k >= sizeof(buf) - 1) &&
		    col > (count ? indent : 0)) {
			cut = break_at(buf, len);
			if (cut <= (size_t)indent)
				cut = len;
			snprintf(rest, sizeof(rest), "%.*s", (int)(len - cut),
				 buf + cut);
			len = cut;
			emit(buf, &len, &col, indent, line, ctx, &count);
			memcpy(buf + len, rest, strlen(rest));
			len += strlen(rest);
			col = indent + tui_width(rest);
			continue;
		}
		memcpy(buf + len, utf8, k);
		len += k;
		col += w;
		utf8 += k;
	}
	if (len > 0 && col > (count ? indent : 0))
		emit(buf, &len, &col, indent, line, ctx, &count);
	return count;
}

int
tui_size_ok(void)
{
	char msg[128];

	if (COLS >= TUI_MIN_COLS && LINES >= TUI_MIN_LINES)
		return 1;
	erase();
	snprintf(msg, sizeof(msg), "wipecert needs at least %dx%d "
		 "(this terminal: %dx%d)", TUI_MIN_COLS, TUI_MIN_LINES, COLS,
		 LINES);
	tui_put(0, 0, COLS, msg, 0);
	refresh();
	return 0;
}

void
tui_utf8(char *out, const wchar_t *in)
{
	size_t n = wcstombs(out, in, TUI_UTF8_MAX - 1);

	if (n == (size_t)-1)
		n = 0;
	out[n] = '\0';
}

void
tui_wide(wchar_t *out, const char *utf8)
{
	size_t n = utf8 ? mbstowcs(out, utf8, TUI_TEXT_MAX - 1) : 0;

	if (n == (size_t)-1)
		n = 0;
	out[n] = L'\0';
}

int
tui_edit(wchar_t *text, int is_key, wint_t ch)
{
	size_t n = wcslen(text);

	if ((is_key && ch == KEY_BACKSPACE) ||
	    (!is_key && (ch == 127 || ch == 8))) {
		if (n > 0)
			text[n - 1] = L'\0';
		return 1;
	}
	if (!is_key && ch == 21) {	/* Ctrl-U */
		text[0] = L'\0';
		return 1;
	}
	if (!is_key && iswprint(ch) && n + 1 < TUI_TEXT_MAX) {
		text[n] = (wchar_t)ch;
		text[n + 1] = L'\0';
		return 1;
	}
	return 0;
}

struct lines_ctx {
	struct tui_lines *l;
	int bold;
	int err;
};

static void
add_line(void *ctx, const char *s)
{
	struct lines_ctx *c = ctx;
	struct tui_lines *l = c->l;
	char **v;
	int *b;

	v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (v != NULL)
		l->v = v;
	b = realloc(l->bold, (l->n + 1) * sizeof(*b));
	if (b != NULL)
		l->bold = b;
	if (v == NULL || b == NULL || (v[l->n] = strdup(s)) == NULL) {
		c->err = -ENOMEM;
		return;
	}
	b[l->n++] = c->bold;
}

int
tui_lines_add(struct tui_lines *l, int bold, int indent, const char *fmt,
	      ...)
{
	struct lines_ctx c = { l, bold, 0 };
	char buf[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (buf[0] == '\0')
		add_line(&c, "");
	else
		tui_wrap(buf, COLS - 4, indent, add_line, &c);
	return c.err;
}

void
tui_lines_draw(const struct tui_lines *l, int top, int rows, size_t *scroll)
{
	size_t i;

	if (l->n <= (size_t)rows)
		*scroll = 0;
	else if (*scroll > l->n - (size_t)rows)
		*scroll = l->n - (size_t)rows;
	for (i = *scroll; i < l->n && i < *scroll + (size_t)rows; i++) {
		if (l->bold[i])
			attron(A_BOLD);
		tui_put(top + (int)(i - *scroll), 2, COLS - 4, l->v[i], 0);
		attroff(A_BOLD);
	}
}

void
tui_lines_free(struct tui_lines *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	free(l->bold);
	memset(l, 0, sizeof(*l));
}
