/*
 * qrscan.c - QR codes in a gray image, with libzbar.
 *
 * A certificate's QR image has one pixel per module and no quiet zone
 * of its own necessarily, which zbar reads badly: the image is scaled
 * up by a whole factor and framed in white first.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <zbar.h>

#include "certs/verify_priv.h"

#define TARGET_SIDE 600u	/* scale small images up to about this */
#define MAX_SCALE 8u

/* px scaled by k and framed by a white border of border pixels. */
static uint8_t *
upscale(const uint8_t *px, unsigned w, unsigned h, unsigned k,
	unsigned border, unsigned *ow, unsigned *oh)
{
	unsigned W = w * k + 2 * border, H = h * k + 2 * border, x, y;
	uint8_t *out = malloc((size_t)W * H);

	if (out == NULL)
		return NULL;
	memset(out, 255, (size_t)W * H);
	for (y = 0; y < h * k; y++)
		for (x = 0; x < w * k; x++)
			out[(size_t)(y + border) * W + x + border] =
				px[(size_t)(y / k) * w + x / k];
	*ow = W;
	*oh = H;
	return out;
}

int
vfy_qr_scan(const uint8_t *gray, unsigned w, unsigned h,
	    void (*fn)(const char *data, size_t len, void *arg), void *arg)
{
	unsigned side = w > h ? w : h, k, W, H;
	const zbar_symbol_t *sym;
	zbar_image_scanner_t *sc;
	zbar_image_t *img;
	uint8_t *big;
	int found = 0;

	if (w == 0 || h == 0)
		return -EINVAL;
	k = side >= TARGET_SIDE ? 1 : TARGET_SIDE / side;
	k = k > MAX_SCALE ? MAX_SCALE : k;
	big = upscale(gray, w, h, k, 8 * k, &W, &H);
	if (big == NULL)
		return -ENOMEM;
	sc = zbar_image_scanner_create();
	img = zbar_image_create();
	if (sc == NULL || img == NULL) {
		found = -ENOMEM;
		goto out;
	}
	zbar_image_scanner_set_config(sc, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
	zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
	zbar_image_set_size(img, W, H);
	zbar_image_set_data(img, big, (unsigned long)W * H, NULL);
	if (zbar_scan_image(sc, img) > 0) {
		for (sym = zbar_image_first_symbol(img); sym != NULL;
		     sym = zbar_symbol_next(sym)) {
			if (zbar_symbol_get_type(sym) != ZBAR_QRCODE)
				continue;
			fn(zbar_symbol_get_data(sym),
			   zbar_symbol_get_data_length(sym), arg);
			found++;
		}
	}
out:
	if (img != NULL)
		zbar_image_destroy(img);
	if (sc != NULL)
		zbar_image_scanner_destroy(sc);
	free(big);
	return found;
}
