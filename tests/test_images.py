"""Photo uploads as a seller makes them: checked by content, size-limited, EXIF-rotated,
stripped of metadata (GPS), resized, and served with long cache headers."""
import io
import os
import random

import pytest
from PIL import Image

from marketplace.catalog.models import Product
from marketplace.extensions import db
from tests.conftest import login
from tests.test_products_manage import product_form


@pytest.fixture
def upload(client, make):
    """Post the add-product form with the given files; returns the response."""
    user = make.user()
    make.stall(owner=user)
    login(client, user)
    category = make.category()

    def post(*files):
        data = product_form(category, photos=[(io.BytesIO(content), name) for content, name in files])
        return client.post("/gian-hang-cua-toi/san-pham/moi", data=data, content_type="multipart/form-data")

    return post


def stored(app, key, size):
    return Image.open(os.path.join(app.config["MEDIA_DIR"], "p", f"{key}_{size}.jpg"))


def test_non_image_with_jpg_name_is_refused(upload, app):
    r = upload((b"<?php system($_GET['c']); ?>", "anh.jpg"))
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "Tệp không phải ảnh JPEG, PNG hoặc WebP." in page
    assert db.session.query(Product).count() == 0


def test_gif_is_not_accepted(upload):
    buf = io.BytesIO()
    Image.new("RGB", (50, 50)).save(buf, "GIF")
    r = upload((buf.getvalue(), "anh.gif"))
    assert "Tệp không phải ảnh JPEG, PNG hoặc WebP." in r.get_data(as_text=True)


def test_gps_exif_is_stripped_and_orientation_applied(upload, make, app):
    original = make.jpeg_bytes(size=(800, 600), exif_gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get(0x8825) is not None  # the test photo has GPS
    assert upload((original, "vuon.jpg")).status_code == 302
    key = db.session.query(Product).one().images[0].key
    for size in (320, 1200):
        img = stored(app, key, size)
        assert img.format == "JPEG"
        assert len(img.getexif()) == 0 and "exif" not in img.info
        assert img.width < img.height  # orientation 6: the landscape sensor image is a portrait photo
        assert max(img.size) <= size
    with open(os.path.join(app.config["MEDIA_DIR"], "p", f"{key}_1200.jpg"), "rb") as fh:
        assert b"Exif" not in fh.read()


def test_large_photo_is_resized_to_320_and_1200(upload, make, app):
    assert upload((make.jpeg_bytes(size=(3000, 2000)), "lon.jpg")).status_code == 302
    image = db.session.query(Product).one().images[0]
    assert stored(app, image.key, 320).size == (320, 213)
    assert stored(app, image.key, 1200).size == (1200, 800)
    assert (image.width, image.height) == (1200, 800)


def test_a_busy_photo_still_gives_a_thumbnail_within_25_kb(upload, make, app):
    """Listing pages load a thumbnail per card over 3G. A photo full of fine detail at thumbnail
    size (pure noise here, the worst case: resizing would smooth it) is compressed harder to stay
    within 25 KB; a plain one is not."""
    noise = Image.frombytes("RGB", (320, 240), random.Random(7).randbytes(320 * 240 * 3))
    busy = io.BytesIO()
    noise.save(busy, "PNG")
    assert upload((busy.getvalue(), "lua.png"), (make.jpeg_bytes(size=(320, 240)), "vai.jpg")).status_code == 302
    busy_image, plain_image = db.session.query(Product).one().images
    path = os.path.join(app.config["MEDIA_DIR"], "p", f"{busy_image.key}_320.jpg")
    assert os.path.getsize(path) <= 25 * 1024
    busy_thumb, plain_thumb = stored(app, busy_image.key, 320), stored(app, plain_image.key, 320)
    assert busy_thumb.size == plain_thumb.size == (320, 240)
    # Coarser quantization (a lower quality) only where the bytes called for it.
    assert sum(busy_thumb.quantization[0]) > sum(plain_thumb.quantization[0])
    assert stored(app, busy_image.key, 1200).quantization == stored(app, plain_image.key, 1200).quantization


def test_transparent_png_and_webp_are_accepted(upload, app):
    png, webp = io.BytesIO(), io.BytesIO()
    Image.new("RGBA", (400, 300), (0, 0, 0, 0)).save(png, "PNG")
    Image.new("RGB", (400, 300), (10, 120, 10)).save(webp, "WEBP")
    assert upload((png.getvalue(), "a.png"), (webp.getvalue(), "b.webp")).status_code == 302
    first, second = db.session.query(Product).one().images
    assert stored(app, first.key, 320).convert("RGB").getpixel((5, 5)) == (255, 255, 255)  # not black
    assert stored(app, second.key, 320).format == "JPEG"


def test_photo_over_the_size_limit_is_a_message_not_a_500(upload, make, app):
    limit = app.config["MAX_IMAGE_BYTES"]
    big = make.jpeg_bytes()
    big = big + b"\0" * (limit + 1 - len(big))
    r = upload((big, "to.jpg"))
    assert r.status_code == 200
    assert "Ảnh quá lớn (tối đa 10 MB)." in r.get_data(as_text=True)
    assert db.session.query(Product).count() == 0


def test_too_many_pixels_is_refused_before_decoding(upload):
    buf = io.BytesIO()
    Image.new("1", (10_000, 5_000)).save(buf, "PNG")  # 50 MP, a few KB on disk
    r = upload((buf.getvalue(), "bom.png"))
    assert "Ảnh có độ phân giải quá lớn." in r.get_data(as_text=True)


def test_one_bad_photo_among_good_ones_stores_nothing(upload, make, app):
    before = set(os.listdir(os.path.join(app.config["MEDIA_DIR"], "p"))) if os.path.isdir(
        os.path.join(app.config["MEDIA_DIR"], "p")) else set()
    r = upload((make.jpeg_bytes(), "tot.jpg"), (b"rac", "xau.jpg"))
    assert r.status_code == 200 and db.session.query(Product).count() == 0
    assert set(os.listdir(os.path.join(app.config["MEDIA_DIR"], "p"))) == before


def test_photos_are_served_with_long_cache_headers(upload, make, client):
    upload((make.jpeg_bytes(), "a.jpg"))
    key = db.session.query(Product).one().images[0].key
    r = client.get(f"/media/p/{key}_320.jpg")
    assert r.status_code == 200 and r.mimetype == "image/jpeg"
    assert "max-age=31536000" in r.headers["Cache-Control"]


def test_form_inputs_ask_for_the_camera_and_the_downscale_script(client, make):
    user = make.user()
    make.stall(owner=user)
    login(client, user)
    page = client.get("/gian-hang-cua-toi/san-pham/moi").get_data(as_text=True)
    assert 'accept="image/*"' in page and 'capture="environment"' in page and "multiple" in page
    assert 'data-downscale="1600"' in page and "/static/js/photos.js" in page
    assert client.get("/static/js/photos.js").status_code == 200
