/*
 * cmd_key.c - `wipecert key ca-init|init|csr|import|show`: the
 * contractor's offline root CA, technicians' keys and certificates.
 * See wipecert-key(8).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/keycli.h"

enum {
	K_CONFIG = 1 << 0, K_ORG = 1 << 1, K_NAME = 1 << 2,
	K_COUNTRY = 1 << 3, K_CAKEY = 1 << 4, K_CACERT = 1 << 5,
	K_CAPASS = 1 << 6, K_KEY = 1 << 7, K_CERT = 1 << 8, K_CSR = 1 << 9,
	K_CA = 1 << 10, K_DAYS = 1 << 11, K_NOTBEFORE = 1 << 12,
	K_KDF = 1 << 13, K_PASS = 1 << 14, K_REUSE = 1 << 15,
	K_JSON = 1 << 16,
};

struct kopts {
	const char *verb;
	const char *config, *org, *name, *country;
	const char *key, *cert, *ca_key, *ca_cert, *ca_pass, *csr, *ca;
	const char *pass;
	unsigned days, kdf_iter;
	time_t not_before;
	int reuse, json;
	unsigned given;		/* K_* options seen */
	struct wc_config cfg;
};

struct verb {
	const char *name;
	unsigned allowed;
	int (*run)(struct kopts *o, int argc, char **argv);
	const char *usage;
};

static int key_ca_init(struct kopts *o, int argc, char **argv);
static int key_init(struct kopts *o, int argc, char **argv);
static int key_csr(struct kopts *o, int argc, char **argv);
static int key_import(struct kopts *o, int argc, char **argv);
static int key_show(struct kopts *o, int argc, char **argv);

#define NEWKEY (K_CONFIG | K_ORG | K_NAME | K_COUNTRY | K_KDF | K_PASS)

static const struct verb verbs[] = {
	{ "ca-init", NEWKEY | K_CAKEY | K_CACERT | K_DAYS | K_NOTBEFORE,
	  key_ca_init,
	  "key ca-init --ca-key FILE --ca-cert FILE [--org ORG] [--name NAME]\n"
	  "         [--country CC] [--days N] [--passphrase-file FILE]" },
	{ "init", NEWKEY | K_CAKEY | K_CACERT | K_CAPASS | K_KEY | K_CERT |
			  K_DAYS | K_NOTBEFORE,
	  key_init,
	  "key init --ca-key FILE --ca-cert FILE [--key FILE] [--cert FILE]\n"
	  "         [--name NAME] [--org ORG] [--country CC] [--days N]\n"
	  "         [--passphrase-file FILE] [--ca-passphrase-file FILE]" },
	{ "csr", NEWKEY | K_KEY | K_CSR | K_REUSE, key_csr,
	  "key csr --csr FILE [--key FILE] [--reuse-key] [--name NAME]\n"
	  "         [--org ORG] [--country CC] [--passphrase-file FILE]" },
	{ "import", K_CONFIG | K_KEY | K_CERT | K_CA | K_PASS, key_import,
	  "key import ISSUED.pem [--key FILE] [--cert FILE] [--ca ROOT.pem]\n"
	  "         [--passphrase-file FILE]" },
	{ "show", K_CONFIG | K_JSON, key_show,
	  "key show [FILE...] [--json]" },
};

static void
key_usage(FILE *f, const struct verb *v)
{
	size_t i;

	fputs("usage: ", f);
	for (i = 0; i < WC_ARRAY_SIZE(verbs); i++)
		if (v == NULL || v == &verbs[i])
			fprintf(f, "%swipecert %s\n", i && !v ? "       " : "",
				verbs[i].usage);
	fputs("Every subcommand also takes --config FILE.  "
	      "See wipecert-key(8).\n", f);
}

/* "YYYY-MM-DD" (UTC midnight) or "@SECONDS". */
static int
parse_date(const char *s, time_t *out)
{
	struct tm tm;
	char *end;
	long long v;

	if (s[0] == '@') {
		errno = 0;
		v = strtoll(s + 1, &end, 10);
		if (errno || *end || end == s + 1 || v < 0)
			return -EINVAL;
		*out = (time_t)v;
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%d", &tm);
	if (end == NULL || *end != '\0')
		return -EINVAL;
	*out = timegm(&tm);
	return 0;
}

static int
parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || end == s || s[0] == '-' || v < lo || v > hi)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

static int
opt_value(struct kopts *o, int c, const char *arg)
{
	switch (c) {
	case 'C': o->config = arg; return K_CONFIG;
	case 'o': o->org = arg; return K_ORG;
	case 'n': o->name = arg; return K_NAME;
	case 'c': o->country = arg; return K_COUNTRY;
	case 'K': o->ca_key = arg; return K_CAKEY;
	case 'A': o->ca_cert = arg; return K_CACERT;
	case 'P': o->ca_pass = arg; return K_CAPASS;
	case 'k': o->key = arg; return K_KEY;
	case 'x': o->cert = arg; return K_CERT;
	case 'r': o->csr = arg; return K_CSR;
	case 'a': o->ca = arg; return K_CA;
	case 'p': o->pass = arg; return K_PASS;
	case 'R': o->reuse = 1; return K_REUSE;
	case 'j': o->json = 1; return K_JSON;
	case 'd':
		return parse_uint(arg, 1, 36525, &o->days) ? -1 : K_DAYS;
	case 'i':
		return parse_uint(arg, 1, 100000000, &o->kdf_iter) ? -1 : K_KDF;
	case 'b':
		return parse_date(arg, &o->not_before) ? -1 : K_NOTBEFORE;
	}
	return -1;
}

static int
parse_opts(struct kopts *o, const struct verb *v, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'C' },
		{ "org", required_argument, NULL, 'o' },
		{ "name", required_argument, NULL, 'n' },
		{ "country", required_argument, NULL, 'c' },
		{ "ca-key", required_argument, NULL, 'K' },
		{ "ca-cert", required_argument, NULL, 'A' },
		{ "ca-passphrase-file", required_argument, NULL, 'P' },
		{ "key", required_argument, NULL, 'k' },
		{ "cert", required_argument, NULL, 'x' },
		{ "csr", required_argument, NULL, 'r' },
		{ "ca", required_argument, NULL, 'a' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "reuse-key", no_argument, NULL, 'R' },
		{ "json", no_argument, NULL, 'j' },
		{ "days", required_argument, NULL, 'd' },
		{ "kdf-iterations", required_argument, NULL, 'i' },
		{ "not-before", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, bit, idx = -1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, &idx)) != -1) {
		if (c == 'h') {
			key_usage(stdout, v);
			return CLI_OK;
		}
		bit = c == '?' ? -1 : opt_value(o, c, optarg);
		if (bit < 0 || !(v->allowed & (unsigned)bit)) {
			if (bit >= 0)
				cli_err("key %s: --%s does not apply", v->name,
					idx >= 0 ? longopts[idx].name : "?");
			else if (c != '?')
				cli_err("key %s: bad value '%s'", v->name,
					optarg);
			key_usage(stderr, v);
			return CLI_USAGE;
		}
		o->given |= (unsigned)bit;
		idx = -1;
	}
	return -1;
}

int
cmd_key(int argc, char **argv)
{
	struct kopts o;
	size_t i;
	int ret;

	memset(&o, 0, sizeof(o));
	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		key_usage(argc < 2 ? stderr : stdout, NULL);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	for (i = 0; i < WC_ARRAY_SIZE(verbs); i++)
		if (strcmp(argv[1], verbs[i].name) == 0)
			break;
	if (i == WC_ARRAY_SIZE(verbs)) {
		cli_err("key: unknown subcommand '%s'", argv[1]);
		key_usage(stderr, NULL);
		return CLI_USAGE;
	}
	o.verb = verbs[i].name;
	ret = parse_opts(&o, &verbs[i], argc - 1, argv + 1);
	if (ret >= 0)
		return ret;
	ret = kcli_config(o.config, &o.cfg);
	if (ret == CLI_OK) {
		cli_signals_install();	/* a ^C restores the terminal */
		ret = verbs[i].run(&o, argc - 1 - optind, argv + 1 + optind);
	}
	wc_config_release(&o.cfg);
	return ret;
}

/* Refuse to go on when an output file exists: nothing is replaced. */
static int
must_not_exist(const char *path, const char *role)
{
	if (access(path, F_OK) == 0 || errno != ENOENT) {
		cli_err("%s '%s' exists: refusing to overwrite it", role, path);
		return CLI_KEYCONF;
	}
	return CLI_OK;
}

static void
print_cert(const char *label, const char *path)
{
	struct cert_key_info *info = NULL;
	char nb[64], na[64];
	size_t n = 0;

	if (cert_key_describe_file(path, &info, &n) != 0 || n == 0)
		return;
	kcli_time(nb, sizeof(nb), info->not_before);
	kcli_time(na, sizeof(na), info->not_after);
	printf("%-12s %s\n  subject    %s\n  valid      %s to %s\n"
	       "  sha256     %s\n", label, path, info->subject, nb, na,
	       info->fingerprint);
	free(info);
}

static struct cert_key_req
new_req(const struct kopts *o, const char *name, const char *org)
{
	struct cert_key_req r = {
		.org = org, .name = name, .country = o->country,
		.not_before = o->not_before, .days = o->days,
		.kdf_iter = o->kdf_iter,
	};
	return r;
}

static int
no_args(const struct kopts *o, int argc)
{
	if (argc == 0)
		return CLI_OK;
	cli_err("key %s takes no arguments", o->verb);
	return CLI_USAGE;
}

static int
key_ca_init(struct kopts *o, int argc, char **argv)
{
	const char *org = o->org ? o->org : o->cfg.contractor;
	const char *cert = o->ca_cert ? o->ca_cert : o->cfg.root_ca;
	char pass[CERT_PASS_MAX], name[512];
	struct cert_key_req r;
	int ret;

	(void)argv;
	if ((ret = no_args(o, argc)) != CLI_OK)
		return ret;
	if (o->ca_key == NULL || cert == NULL || org == NULL) {
		cli_err("key ca-init needs --ca-key, --ca-cert (or root_ca in "
			"the configuration) and --org (or contractor)");
		return CLI_USAGE;
	}
	if (wc_fmt(name, sizeof(name), "%s Root CA", org) != 0 && !o->name) {
		cli_err("--org too long");
		return CLI_USAGE;
	}
	if (must_not_exist(o->ca_key, "CA key") ||
	    must_not_exist(cert, "CA certificate"))
		return CLI_KEYCONF;
	ret = cert_passphrase_get(o->pass, "passphrase for the new CA key: ",
				  1, pass);
	if (ret != 0)
		return kcli_pass_error(ret, o->pass);
	r = new_req(o, o->name ? o->name : name, org);
	ret = cert_key_ca_init(&r, pass, o->ca_key, cert);
	explicit_bzero(pass, sizeof(pass));
	if (ret != 0)
		return kcli_error(ret, "cannot create the root CA", o->ca_key);
	print_cert("root CA", cert);
	printf("%-12s %s (encrypted, mode 0600): keep it offline\n", "CA key",
	       o->ca_key);
	return CLI_OK;
}

/* The CA's passphrase, then the new key's (asked twice). */
static int
two_passphrases(const struct kopts *o, char ca[CERT_PASS_MAX],
		char pass[CERT_PASS_MAX])
{
	const char *pf = o->pass ? o->pass : o->cfg.passphrase_file;
	int ret;

	ret = cert_passphrase_get(o->ca_pass, "passphrase for the CA key: ", 0,
				  ca);
	if (ret != 0)
		return kcli_pass_error(ret, o->ca_pass);
	ret = cert_passphrase_get(pf, "passphrase for the new key: ", 1, pass);
	if (ret != 0) {
		explicit_bzero(ca, CERT_PASS_MAX);
		return kcli_pass_error(ret, pf);
	}
	return CLI_OK;
}

static int
key_init(struct kopts *o, int argc, char **argv)
{
	const char *ca_cert = o->ca_cert ? o->ca_cert : o->cfg.root_ca;
	const char *key = o->key ? o->key : o->cfg.key;
	const char *cert = o->cert ? o->cert : o->cfg.certificate;
	const char *name = o->name ? o->name : o->cfg.operator_name;
	char ca[CERT_PASS_MAX], pass[CERT_PASS_MAX];
	struct cert_key_req r;
	int ret;

	(void)argv;
	if ((ret = no_args(o, argc)) != CLI_OK)
		return ret;
	if (o->ca_key == NULL || ca_cert == NULL || key == NULL ||
	    cert == NULL || name == NULL) {
		cli_err("key init needs --ca-key, --ca-cert, --key, --cert and "
			"--name (or root_ca, key, certificate and operator in "
			"the configuration)");
		return CLI_USAGE;
	}
	if (o->days > CERT_LEAF_DAYS) {
		cli_err("--days %u: a technician's certificate is valid for at "
			"most %u days", o->days, CERT_LEAF_DAYS);
		return CLI_USAGE;
	}
	if (kcli_need(o->ca_key, "CA key") || kcli_need(ca_cert, "CA "
							"certificate") ||
	    must_not_exist(key, "key") || must_not_exist(cert, "certificate"))
		return CLI_KEYCONF;
	if ((ret = two_passphrases(o, ca, pass)) != CLI_OK)
		return ret;
	r = new_req(o, name, o->org ? o->org : o->cfg.contractor);
	ret = cert_key_leaf_init(&r, pass, o->ca_key, ca_cert, ca, key, cert);
	explicit_bzero(ca, sizeof(ca));
	explicit_bzero(pass, sizeof(pass));
	if (ret == -EACCES || ret == -EKEYREJECTED || ret == -EPERM)
		return kcli_error(ret, "cannot use the CA key", o->ca_key);
	if (ret != 0)
		return kcli_error(ret, "cannot create the key", key);
	print_cert("certificate", cert);
	printf("%-12s %s (encrypted, mode 0600)\n", "key", key);
	return CLI_OK;
}

static int
key_csr(struct kopts *o, int argc, char **argv)
{
	const char *key = o->key ? o->key : o->cfg.key;
	const char *name = o->name ? o->name : o->cfg.operator_name;
	const char *pf = o->pass ? o->pass : o->cfg.passphrase_file;
	char pass[CERT_PASS_MAX];
	struct cert_key_req r;
	int ret;

	(void)argv;
	if ((ret = no_args(o, argc)) != CLI_OK)
		return ret;
	if (o->csr == NULL || key == NULL || name == NULL) {
		cli_err("key csr needs --csr, --key and --name (or key and "
			"operator in the configuration)");
		return CLI_USAGE;
	}
	if (must_not_exist(o->csr, "request") ||
	    (o->reuse ? kcli_need(key, "key") : must_not_exist(key, "key")))
		return CLI_KEYCONF;
	ret = cert_passphrase_get(pf, o->reuse ? "passphrase for the key: "
					       : "passphrase for the new key: ",
				  !o->reuse, pass);
	if (ret != 0)
		return kcli_pass_error(ret, pf);
	r = new_req(o, name, o->org ? o->org : o->cfg.contractor);
	ret = cert_key_csr(&r, pass, o->reuse, key, o->csr);
	explicit_bzero(pass, sizeof(pass));
	if (ret != 0)
		return kcli_error(ret, "cannot make the request", key);
	printf("request    %s\nkey        %s%s\n", o->csr, key,
	       o->reuse ? "" : " (new, encrypted, mode 0600)");
	printf("Have the CA issue a certificate for it, then run "
	       "'wipecert key import FILE'.\n");
	return CLI_OK;
}

/* Why an issued certificate is not a usable signing leaf. */
static void
explain_unusable(const char *path)
{
	struct cert_key_info *info = NULL;
	size_t n = 0;

	if (cert_key_describe_file(path, &info, &n) != 0 || n == 0) {
		cli_err("'%s' is not a usable certificate", path);
		return;
	}
	if (info->is_ca)
		cli_err("'%s' is a CA certificate, not a signer's", path);
	else if (strstr(info->ext_key_usage, "1.3.6.1.5.5.7.3.36") ||
		 strstr(info->ext_key_usage, "ocumentSigning"))
		cli_err("'%s' has the documentSigning extended key usage, "
			"which PDF readers reject: ask for none or "
			"emailProtection", path);
	else
		cli_err("'%s' does not allow digitalSignature (key usage: "
			"%s)", path, info->key_usage);
	free(info);
}

static int
key_import(struct kopts *o, int argc, char **argv)
{
	const char *key = o->key ? o->key : o->cfg.key;
	const char *cert = o->cert ? o->cert : o->cfg.certificate;
	const char *ca = o->ca ? o->ca : o->cfg.root_ca;
	const char *pf = o->pass ? o->pass : o->cfg.passphrase_file;
	char pass[CERT_PASS_MAX];
	int ret;

	if (argc != 1 || key == NULL || cert == NULL) {
		cli_err("key import takes the issued certificate, and needs "
			"--key and --cert (or key and certificate in the "
			"configuration)");
		return CLI_USAGE;
	}
	if (kcli_need(argv[0], "issued certificate") || kcli_need(key, "key") ||
	    (ca != NULL && kcli_need(ca, "root CA")) ||
	    must_not_exist(cert, "certificate"))
		return CLI_KEYCONF;
	if (ca == NULL)
		cli_warn("no root CA given: the chain is not checked");
	ret = cert_passphrase_get(pf, "passphrase for the key: ", 0, pass);
	if (ret != 0)
		return kcli_pass_error(ret, pf);
	ret = cert_key_import(key, pass, argv[0], ca, time(NULL), cert);
	explicit_bzero(pass, sizeof(pass));
	if (ret == -EINVAL) {
		explain_unusable(argv[0]);
		return CLI_KEYCONF;
	}
	if (ret == -EBADMSG) {
		cli_err("'%s' was not issued under the root CA '%s'", argv[0],
			ca);
		return CLI_KEYCONF;
	}
	if (ret == -EKEYREJECTED) {
		cli_err("'%s' is not the certificate of key '%s'", argv[0],
			key);
		return CLI_KEYCONF;
	}
	if (ret != 0)
		return kcli_error(ret, "cannot import", argv[0]);
	print_cert("certificate", cert);
	return CLI_OK;
}

static const char *
validity_word(const struct cert_key_info *info, time_t now)
{
	if (info->is_ca < 0)
		return "request";
	if (now < info->not_before)
		return "NOT YET VALID";
	if (now >= info->not_after)
		return "EXPIRED";
	return "valid";
}

static void
show_text(const char *path, const struct cert_key_info *c, size_t n)
{
	char nb[64], na[64];
	size_t i;

	for (i = 0; i < n; i++, c++) {
		printf("%s%s", i ? "\n" : "", path);
		if (n > 1)
			printf(" (%zu of %zu)", i + 1, n);
		printf(":\n  subject     %s\n", c->subject);
		if (c->is_ca >= 0) {
			kcli_time(nb, sizeof(nb), c->not_before);
			kcli_time(na, sizeof(na), c->not_after);
			printf("  issuer      %s\n  serial      %s\n"
			       "  validity    %s to %s (%s)\n"
			       "  CA          %s\n  key usage   %s\n",
			       c->issuer, c->serial, nb, na,
			       validity_word(c, time(NULL)),
			       c->is_ca ? "yes" : "no", c->key_usage);
			if (c->ext_key_usage[0])
				printf("  ext. usage  %s\n", c->ext_key_usage);
			printf("  sha256      %s\n", c->fingerprint);
		}
		printf("  key         %s, public key sha256 %s\n", c->key_type,
		       c->spki_sha256);
	}
}

static struct json_object *
show_json(const char *path, const struct cert_key_info *c)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "file", json_object_new_string(path));
	json_object_object_add(o, "subject", json_object_new_string(c->subject));
	if (c->is_ca >= 0) {
		json_object_object_add(o, "issuer",
				       json_object_new_string(c->issuer));
		json_object_object_add(o, "serial",
				       json_object_new_string(c->serial));
		json_object_object_add(o, "not_before",
				       json_object_new_int64(c->not_before));
		json_object_object_add(o, "not_after",
				       json_object_new_int64(c->not_after));
		json_object_object_add(o, "status", json_object_new_string(
					       validity_word(c, time(NULL))));
		json_object_object_add(o, "ca", json_object_new_boolean(c->is_ca));
		json_object_object_add(o, "key_usage",
				       json_object_new_string(c->key_usage));
		json_object_object_add(o, "ext_key_usage",
				       json_object_new_string(c->ext_key_usage));
		json_object_object_add(o, "sha256",
				       json_object_new_string(c->fingerprint));
	}
	json_object_object_add(o, "key_type", json_object_new_string(c->key_type));
	json_object_object_add(o, "public_key_sha256",
			       json_object_new_string(c->spki_sha256));
	return o;
}

static int
key_show(struct kopts *o, int argc, char **argv)
{
	const char *files[3], **list = (const char **)argv;
	struct json_object *arr = json_object_new_array();
	struct cert_key_info *info;
	size_t n, i, j, count = (size_t)argc;
	int ret, status = CLI_OK;

	if (argc == 0) {
		count = 0;
		if (o->cfg.certificate)
			files[count++] = o->cfg.certificate;
		if (o->cfg.chain)
			files[count++] = o->cfg.chain;
		if (o->cfg.root_ca)
			files[count++] = o->cfg.root_ca;
		list = files;
	}
	if (count == 0) {
		cli_err("key show: no certificate given or configured");
		json_object_put(arr);
		return CLI_USAGE;
	}
	for (i = 0; i < count; i++) {
		ret = cert_key_describe_file(list[i], &info, &n);
		if (ret != 0) {
			status = kcli_error(ret, "cannot read", list[i]);
			continue;
		}
		if (o->json)
			for (j = 0; j < n; j++)
				json_object_array_add(arr,
						      show_json(list[i], &info[j]));
		else
			show_text(list[i], info, n);
		if (!o->json && i + 1 < count)
			putchar('\n');
		free(info);
	}
	if (o->json)
		printf("%s\n", json_object_to_json_string_ext(arr,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(arr);
	return status;
}
