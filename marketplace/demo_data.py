"""What `flask seed-demo` loads: four communes of the 2025 units, their households and produce.

The places and products come from the commune pilots that gave this marketplace its shape:
Phúc Hòa (Tân Yên, Bắc Giang; since 2025 Bắc Ninh) with its early lychee, guava, pomelo and
lychee-blossom honey; the lychee country of Lục Ngạn; Yên Hòa (now part of Xã Yên Mô,
Ninh Bình) with its clay-pot loach and soft-dried bananas; and Long Thới (now part of
Xã Chợ Lách, Vĩnh Long) with its green-skin pomelo, wax coconut, rambutan and seedlings.
People and numbers are invented; the phone numbers and passwords are published on purpose.
"""
from datetime import date, timedelta

PASSWORD = "choxa2025"

ADMIN = ("0900 000 001", "Quản trị Chợ Xã")
BUYER = ("0900 000 009", "Đỗ Minh Châu")

# slug of the category -> its name, in display order.
CATEGORIES = (
    ("trai-cay", "Trái cây"),
    ("dac-san-che-bien", "Đặc sản chế biến"),
    ("thuy-san", "Thủy sản"),
    ("mat-ong", "Mật ong"),
    ("gao-ngu-coc", "Gạo & ngũ cốc"),
    ("do-uong", "Đồ uống"),
    ("banh-keo", "Bánh kẹo"),
    ("thit-gia-cam", "Thịt & gia cầm"),
    ("cay-giong", "Cây giống & hoa kiểng"),
)

# key: ward name, province, whether products wait for review, officer (phone, name), villages, intro.
COMMUNES = {
    "phuc-hoa": dict(
        ward="Xã Phúc Hòa", province="Bắc Ninh", review=True,
        officer=("0900 000 011", "Ngô Thị Thu Hà"),
        villages=("Thôn Đồng Điều", "Thôn Hợp Tiến", "Thôn Phúc Lâm", "Thôn Tân Thành", "Thôn Gia Tiến"),
        intro=(
            "Xã thuần nông của vùng Tân Yên cũ, nổi tiếng với vải sớm, ổi, bưởi và mật ong hoa vải. "
            "Năm 2022 xã là điểm chuyển đổi số của tỉnh và là xã đầu tiên có sàn thương mại điện tử "
            "riêng cho các hộ sản xuất."
        ),
    ),
    "luc-ngan": dict(
        ward="Xã Lục Ngạn", province="Bắc Ninh", review=True,
        officer=("0900 000 012", "Hoàng Văn Luân"),
        villages=("Thôn Trại Ba", "Thôn Khuôn Thần", "Thôn Đồng Ngầu", "Thôn Bắc Hoa"),
        intro=(
            "Thủ phủ vải thiều: những đồi vải trồng theo VietGAP, chín rộ từ cuối tháng Năm. "
            "Hộ kinh doanh ở đây đã quen thanh toán không dùng tiền mặt bằng mã QR."
        ),
    ),
    "yen-mo": dict(
        ward="Xã Yên Mô", province="Ninh Bình", review=True,
        officer=("0900 000 013", "Đoàn Văn Nam"),
        villages=("Thôn Bạch Liên", "Thôn Yên Thổ", "Thôn Phù Sa", "Thôn Quảng Phúc", "Xóm Đông"),
        intro=(
            "Xã Yên Mô mới gồm cả xã Yên Hòa, nơi cá chạch sụn kho niêu và chuối tây sấy dẻo được đưa "
            "lên sàn thương mại điện tử: sản lượng bán ra tăng năm lần. Đồng chiêm trũng, dê núi, gạo thơm."
        ),
    ),
    "cho-lach": dict(
        ward="Xã Chợ Lách", province="Vĩnh Long", review=False,
        officer=("0900 000 014", "Trần Thanh Phong"),
        villages=("Ấp Long Hiệp", "Ấp Long Khánh", "Ấp Phú Hữu", "Ấp Hòa Khánh", "Ấp Sơn Qui"),
        intro=(
            "Miệt vườn Chợ Lách bên sông Cổ Chiên, nay gồm cả xã Long Thới: bưởi da xanh, dừa sáp, "
            "chôm chôm, sầu riêng và làng cây giống, hoa kiểng Cái Mơn. Sản phẩm của hộ đã duyệt "
            "được bán ngay, không phải chờ."
        ),
    ),
}


def P(name, category, unit, price, stock, weight, shape, color, desc="", **extra):
    """One product: stock in whole units of sale, weight in grams per unit, how its photo looks."""
    return dict(name=name, category=category, unit=unit, price=price, stock=stock, weight=weight,
                shape=shape, color=color, desc=desc, **extra)


def months_ago(months: int) -> date:
    """Certificates are dated relative to today, so the demo's never look expired."""
    return date.today() - timedelta(days=30 * months)


def three_years_after(day: date) -> date:
    """OCOP and VietGAP certificates are valid for three years."""
    return day.replace(year=day.year + 3, day=min(day.day, 28))


def ocop(stars, decision, months):
    on = months_ago(months)
    return {"ocop_stars": stars, "ocop_decision": decision, "ocop_date": on, "ocop_expiry": three_years_after(on)}


def vietgap(number, body, months):
    on = months_ago(months)
    return {"kind": "vietgap", "number": number, "body": body, "issued_on": on, "expires_on": three_years_after(on)}


TQC = "Trung tâm Kiểm nghiệm và Chứng nhận chất lượng TQC"
RED, GREEN, YELLOW, AMBER, BROWN, CREAM, PINK = "red", "green", "yellow", "amber", "brown", "cream", "pink"

# Stalls: owner (phone, name), commune, village, CCCD, bank (BIN, account), story, status, products.
STALLS = (
    dict(
        key="vai-som-bac-thanh", name="Vải sớm nhà bác Thành", owner=("0900 000 101", "Nguyễn Văn Thành"),
        commune="phuc-hoa", village="Thôn Đồng Điều", cccd="024068004127", bank=("970405", "2506205117482"),
        story="Ba đời trồng vải sớm trên đồi Đồng Điều. Vườn 1,2 ha, chín từ giữa tháng Năm, sớm hơn "
              "vải thiều gần một tháng. Quả hái buổi sáng, giao trong ngày ở Bắc Ninh và Hà Nội.",
        products=(
            P("Vải sớm Phúc Hòa", "trai-cay", "kg", 55000, 600, 1000, "cluster", RED,
              "Vải sớm hái sáng, chùm còn lá, vỏ đỏ tươi xen xanh, vị chua ngọt.", featured=True,
              certs=[vietgap("VietGAP-TT-12-05-24-0137", TQC, 14)]),
            P("Vải thiều Phúc Hòa", "trai-cay", "kg", 45000, 0, 1000, "cluster", RED,
              "Vải thiều chín cuối tháng Sáu, cùi dày, hạt lép. Hết vụ, đặt trước cho vụ sau."),
            P("Hộp quà vải sớm 3 kg", "trai-cay", "hop", 180000, 40, 3300, "box", RED,
              "Hộp giấy có lỗ thoáng, lót lá vải, tiện biếu tặng."),
            P("Vải sấy khô", "dac-san-che-bien", "kg", 160000, 30, 1000, "cluster", BROWN,
              "Sấy bằng lò củi nhãn truyền thống, cùi dẻo, ngọt đậm."),
            P("Cây giống vải sớm ghép", "cay-giong", "cai", 45000, 120, 800, "plant", GREEN,
              "Cây chiết từ vườn mẹ 20 năm tuổi, cao 50–60 cm, có bầu đất."),
        ),
    ),
    dict(
        key="oi-chi-huong", name="Vườn ổi chị Hường", owner=("0900 000 102", "Trần Thị Hường"),
        commune="phuc-hoa", village="Thôn Hợp Tiến", cccd="024185009311", bank=("970422", "0900000102"),
        story="Vườn ổi 8 sào bọc túi từng quả, không dùng thuốc kích thích. Bán cho thương lái được ít, "
              "nay bán thẳng cho khách, nhận chuyển khoản bằng mã QR.",
        products=(
            P("Ổi lê Đài Loan", "trai-cay", "kg", 30000, 400, 1000, "round", GREEN,
              "Quả to 300–500 g, giòn, ít hạt, bọc túi từ khi còn nhỏ.", featured=True),
            P("Ổi găng", "trai-cay", "kg", 25000, 150, 1000, "round", GREEN, "Ổi ta quả nhỏ, thơm lừng."),
            P("Ổi ruột đỏ", "trai-cay", "kg", 35000, 120, 1000, "round", PINK,
              "Ruột đỏ hồng, ngọt, nhiều nước; hợp ép nước."),
            P("Trà búp ổi sấy", "do-uong", "hop", 65000, 60, 250, "box", GREEN,
              "Búp non phơi âm can, hộp 200 g."),
            P("Cây giống ổi lê ghép", "cay-giong", "cai", 30000, 0, 700, "plant", GREEN,
              "Hết cây đợt này; đợt mới ra vào tháng Ba."),
            P("Ổi lê Đài Loan loại nhỏ", "trai-cay", "kg", 18000, 80, 1000, "round", GREEN,
              "Quả nhỏ dưới 250 g, vị như loại to.", review="rejected",
              reason="Ảnh và mô tả trùng với sản phẩm Ổi lê Đài Loan; gộp vào một sản phẩm hoặc chụp ảnh riêng."),
        ),
    ),
    dict(
        key="mat-ong-hop-tien", name="Mật ong hoa vải Hợp Tiến", owner=("0900 000 103", "Hoàng Văn Dũng"),
        commune="phuc-hoa", village="Thôn Hợp Tiến", cccd="024079012503", bank=("970418", "12110000398126"),
        story="120 đàn ong theo mùa hoa vải tháng Hai, tháng Ba. Mật quay khi ong đã vít nắp, "
              "độ ẩm dưới 20%, không pha đường.",
        products=(
            P("Mật ong hoa vải chai 500 ml", "mat-ong", "chai", 120000, 200, 750, "bottle", AMBER,
              "Màu vàng sáng, thơm mùi hoa vải, để lâu có thể kết tinh tự nhiên.", featured=True,
              **ocop(4, "1021/QĐ-UBND", 10)),
            P("Mật ong hoa vải (lít)", "mat-ong", "lit", 220000, 150, 1450, "jar", AMBER,
              "Bán theo lít, rót can, bước 0,5 lít."),
            P("Sáp ong nguyên chất", "mat-ong", "hop", 90000, 30, 300, "box", YELLOW, "Bánh sáp 250 g."),
            P("Phấn hoa vải", "mat-ong", "hu", 150000, 40, 400, "jar", YELLOW, "Hũ 250 g, sấy lạnh."),
            P("Mật ong hoa nhãn", "mat-ong", "chai", 110000, 80, 750, "bottle", BROWN,
              "Mật vụ hoa nhãn tháng Tư, vị đậm.", review="pending"),
        ),
    ),
    dict(
        key="ruou-buoi-co-lan", name="Rượu nếp và bưởi cô Lan", owner=("0900 000 104", "Lê Thị Lan"),
        commune="phuc-hoa", village="Thôn Phúc Lâm", cccd="024172006458", bank=("970405", "2506205098331"),
        story="Nấu rượu nếp cái hoa vàng bằng men lá gia truyền, hạ thổ trong chum sành. "
              "Vườn bưởi Diễn 60 gốc ra quả dịp Tết.",
        products=(
            P("Rượu nếp cái hoa vàng", "do-uong", "chai", 95000, 100, 1100, "bottle", CREAM,
              "Chai 1 lít, 40 độ, rượu hạ thổ 6 tháng.", **ocop(3, "2318/QĐ-UBND", 20)),
            P("Rượu vải thiều", "do-uong", "chai", 110000, 60, 900, "bottle", RED,
              "Ngâm từ vải thiều chín cây, chai 750 ml."),
            P("Bưởi Diễn", "trai-cay", "qua", 35000, 300, 1200, "round", YELLOW,
              "Quả 1–1,2 kg, vỏ vàng, tép ráo, ngọt thanh."),
            P("Bưởi đỏ", "trai-cay", "qua", 45000, 120, 1300, "round", PINK, "Ruột hồng, chưng Tết rất đẹp."),
            P("Gạo nếp cái hoa vàng", "gao-ngu-coc", "kg", 38000, 500, 1000, "grain", CREAM,
              "Hạt tròn, dẻo thơm, để nấu xôi và rượu."),
            P("Hộp quà bưởi Diễn 4 quả", "trai-cay", "hop", 150000, 50, 4800, "box", YELLOW, "Biếu Tết, kèm túi xách."),
        ),
    ),
    dict(
        key="vai-thieu-anh-quy", name="Vải thiều Lục Ngạn — nhà anh Quý", owner=("0900 000 105", "Vi Văn Quý"),
        commune="luc-ngan", village="Thôn Trại Ba", cccd="024083001962", bank=("970436", "1023847561"),
        story="Đồi vải 3 ha trồng theo VietGAP, có mã số vùng trồng xuất khẩu. Mùa vải tháng Sáu "
              "cả nhà thức dậy từ 3 giờ sáng hái quả.",
        products=(
            P("Vải thiều Lục Ngạn VietGAP", "trai-cay", "kg", 48000, 900, 1000, "cluster", RED,
              "Quả đều, vỏ đỏ thẫm, cùi trắng dày, hạt nhỏ.", featured=True,
              certs=[vietgap("VietGAP-TT-13-03-24-0421", TQC, 8)]),
            P("Thùng vải thiều 10 kg", "trai-cay", "hop", 420000, 60, 10800, "box", RED,
              "Thùng xốp có đá gel, gửi đi tỉnh xa."),
            P("Vải thiều sấy khô Lục Ngạn", "dac-san-che-bien", "kg", 150000, 100, 1000, "cluster", BROWN,
              "Sấy lò than hoa 3 ngày đêm.", **ocop(3, "1580/QĐ-UBND", 18)),
            P("Cây giống vải thiều", "cay-giong", "cai", 40000, 200, 800, "plant", GREEN, "Cây chiết, có bầu."),
            P("Cam đường canh Lục Ngạn", "trai-cay", "kg", 28000, 250, 1000, "round", AMBER,
              "Vỏ mỏng, mọng nước, chín tháng Mười."),
            P("Táo xanh Lục Ngạn", "trai-cay", "kg", 22000, 0, 1000, "round", GREEN, "Giòn, chua nhẹ; đã hết hàng."),
        ),
    ),
    dict(
        key="dac-san-chi-mai", name="Đặc sản Lục Ngạn chị Mai", owner=("0900 000 106", "Hoàng Thị Mai"),
        commune="luc-ngan", village="Thôn Khuôn Thần", cccd="024188003725", bank=("970415", "108873412906"),
        story="Nhà có lò mỳ Chũ thủ công và nuôi gà đồi. Gửi hàng qua bưu điện, khách trả tiền khi nhận.",
        products=(
            P("Mỳ Chũ gạo bao thai", "gao-ngu-coc", "goi", 45000, 300, 520, "packet", CREAM,
              "Gói 500 g, sợi dai, không chất tẩy trắng.", featured=True, **ocop(4, "1580/QĐ-UBND", 18)),
            P("Mật ong hoa vải Lục Ngạn", "mat-ong", "chai", 130000, 90, 750, "bottle", AMBER, "Chai 500 ml."),
            P("Gà đồi Lục Ngạn", "thit-gia-cam", "kg", 160000, 80, 1000, "round", BROWN,
              "Gà thả đồi vải 6 tháng, làm sạch, hút chân không.", review="pending"),
            P("Bánh chưng đen", "dac-san-che-bien", "cai", 60000, 50, 700, "box", GREEN,
              "Gạo nếp trộn tro lá núi, nhân đậu thịt."),
            P("Măng khô Lục Ngạn", "dac-san-che-bien", "kg", 280000, 40, 1000, "packet", BROWN,
              "Măng nứa luộc phơi khô, bước 0,5 kg."),
        ),
    ),
    dict(
        key="ca-chach-anh-tuan", name="Cá chạch sụn Yên Hòa — anh Tuấn", owner=("0900 000 107", "Phạm Văn Tuấn"),
        commune="yen-mo", village="Thôn Bạch Liên", cccd="037082007714", bank=("970405", "3300205421876"),
        story="Nuôi cá chạch sụn trong ao đất 5 sào. Từ khi lên sàn thương mại điện tử, "
              "nhà bán được gấp năm lần, khách ở Hà Nội và Sài Gòn đặt niêu kho sẵn.",
        products=(
            P("Cá chạch sụn kho niêu", "thuy-san", "nieu", 150000, 120, 900, "pot", BROWN,
              "Niêu đất 500 g, kho riềng và nước hàng 8 tiếng, xương mềm ăn được cả.", featured=True,
              **ocop(4, "1287/QĐ-UBND", 12)),
            P("Cá chạch sụn đông lạnh", "thuy-san", "kg", 220000, 200, 1000, "fish", AMBER,
              "Làm sạch, cấp đông, túi hút chân không; bước 0,5 kg."),
            P("Cá chạch sụn sấy khô", "thuy-san", "goi", 120000, 100, 250, "packet", AMBER, "Gói 200 g, nướng ăn liền."),
            P("Cá chạch sụn chiên giòn", "thuy-san", "hop", 95000, 80, 300, "box", AMBER, "Hộp 250 g."),
            P("Cá rô đồng kho niêu", "thuy-san", "nieu", 130000, 40, 900, "pot", BROWN,
              "Cá rô đồng chiêm trũng kho tương.", review="pending"),
            P("Cá chép giòn Yên Mô", "thuy-san", "kg", 110000, 60, 1000, "fish", YELLOW, "Cá sống, làm sạch theo yêu cầu."),
        ),
    ),
    dict(
        key="chuoi-say-chi-nga", name="Chuối tây sấy dẻo chị Nga", owner=("0900 000 108", "Đinh Thị Nga"),
        commune="yen-mo", village="Thôn Yên Thổ", cccd="037190005216", bank=("970418", "46010001732251"),
        story="Tổ sản xuất chuối sấy của thôn với 12 chị em. Chuối tây chín cây, sấy lạnh, "
              "không đường, không chất bảo quản.",
        products=(
            P("Chuối tây sấy dẻo", "dac-san-che-bien", "goi", 55000, 400, 520, "banana", YELLOW,
              "Gói 500 g, dẻo, ngọt tự nhiên.", featured=True, **ocop(3, "1287/QĐ-UBND", 12)),
            P("Hộp quà chuối sấy dẻo", "dac-san-che-bien", "hop", 120000, 100, 1100, "box", YELLOW, "Hộp 1 kg, tám gói nhỏ."),
            P("Chuối tây tươi", "trai-cay", "kg", 15000, 300, 1000, "banana", GREEN, "Nải chuối chín cây, bước 0,5 kg."),
            P("Chuối tây sấy giòn", "dac-san-che-bien", "goi", 45000, 150, 320, "packet", YELLOW, "Gói 300 g, ăn vặt."),
            P("Bột chuối xanh", "dac-san-che-bien", "hu", 85000, 60, 450, "jar", CREAM, "Hũ 400 g, tốt cho dạ dày."),
            P("Mứt chuối gừng", "banh-keo", "hop", 60000, 0, 350, "box", AMBER, "Làm dịp Tết, đã hết hàng."),
        ),
    ),
    dict(
        key="gao-de-bac-khai", name="Gạo và dê núi nhà bác Khải", owner=("0900 000 109", "Vũ Văn Khải"),
        commune="yen-mo", village="Thôn Phù Sa", cccd="037064009083", bank=("970403", "060213874512"),
        story="Cấy 2 mẫu lúa Bắc hương và nuôi đàn dê núi thả đồi đá vôi. Xát gạo theo đơn, không tồn kho lâu.",
        products=(
            P("Gạo Bắc hương", "gao-ngu-coc", "kg", 24000, 2000, 1000, "grain", CREAM,
              "Gạo mới, thơm dẻo; mua từ 5 kg.", min_kg=5, step_kg=1),
            P("Gạo lứt đỏ", "gao-ngu-coc", "kg", 35000, 500, 1000, "grain", BROWN, "Gạo lứt huyết rồng."),
            P("Thịt dê núi Ninh Bình", "thit-gia-cam", "kg", 320000, 50, 1000, "round", PINK,
              "Dê thả núi, pha sẵn, hút chân không; bước 0,5 kg."),
            P("Cơm cháy chà bông", "dac-san-che-bien", "goi", 50000, 200, 320, "packet", AMBER,
              "Cơm cháy gạo nếp, chà bông heo, gói 300 g.", **ocop(4, "1287/QĐ-UBND", 12)),
            P("Rượu nếp cẩm Yên Mô", "do-uong", "chai", 80000, 70, 1100, "bottle", PINK, "Chai 1 lít, ủ men lá."),
            P("Nem dê", "thit-gia-cam", "hop", 150000, 30, 600, "box", PINK, "Hộp 10 cái, ăn kèm lá sung.",
              review="pending"),
        ),
    ),
    dict(
        key="mam-tep-co-hoa", name="Mắm tép Yên Mô cô Hoa", owner=("0900 000 110", "Bùi Thị Hoa"),
        commune="yen-mo", village="Xóm Đông", cccd="037175002649", bank=("970422", "0900000110"),
        story="Mắm tép chưng thịt theo cách của mẹ. Vừa đăng ký gian hàng, đang chờ cán bộ xã duyệt.",
        status="pending", products=(),
    ),
    dict(
        key="buoi-da-xanh-ut-hien", name="Vườn bưởi da xanh Út Hiền", owner=("0900 000 111", "Nguyễn Thị Hiền"),
        commune="cho-lach", village="Ấp Long Hiệp", cccd="083186004418", bank=("970405", "7404205263194"),
        story="Vườn bưởi da xanh 2 ha ven sông Cổ Chiên, được cấp mã số vùng trồng. "
              "Bưởi cắt cuống giữ nước, gửi ra Bắc vẫn tươi.",
        products=(
            P("Bưởi da xanh Chợ Lách", "trai-cay", "kg", 45000, 1500, 1000, "round", GREEN,
              "Ruột hồng, múi ráo, ngọt thanh; trái 1,5–2 kg.", featured=True,
              certs=[vietgap("VietGAP-TT-15-07-83-0076", "Chi cục Trồng trọt và Bảo vệ thực vật Bến Tre", 22)],
              **ocop(4, "2457/QĐ-UBND", 15)),
            P("Hộp quà 2 trái bưởi da xanh", "trai-cay", "hop", 160000, 80, 3800, "box", GREEN, "Hộp carton có quai."),
            P("Măng cụt Chợ Lách", "trai-cay", "kg", 70000, 300, 1000, "round", PINK, "Vỏ tím, múi trắng, chua ngọt."),
            P("Chôm chôm Java", "trai-cay", "kg", 30000, 600, 1000, "cluster", RED, "Cơm dày, tróc hạt."),
            P("Chôm chôm nhãn", "trai-cay", "kg", 55000, 200, 1000, "cluster", YELLOW, "Trái nhỏ, vỏ vàng, ngọt như nhãn."),
        ),
    ),
    dict(
        key="dua-sap-sau-loi", name="Dừa sáp và kẹo dừa Sáu Lợi", owner=("0900 000 112", "Trần Văn Lợi"),
        commune="cho-lach", village="Ấp Long Khánh", cccd="083072008135", bank=("970436", "1017542983"),
        story="Vườn dừa sáp 300 gốc và lò kẹo dừa gia đình. Mỗi trái dừa sáp đều được gõ thử trước khi gửi.",
        products=(
            P("Dừa sáp", "trai-cay", "qua", 150000, 200, 1800, "coconut", GREEN,
              "Cơm sáp dẻo đặc, nước sệt; chọn trái bằng tay.", featured=True),
            P("Dừa xiêm xanh", "trai-cay", "qua", 15000, 1000, 1500, "coconut", GREEN, "Nước ngọt mát, trái 1,2–1,5 kg."),
            P("Kẹo dừa sữa", "banh-keo", "goi", 35000, 500, 420, "packet", CREAM,
              "Gói 400 g, nấu từ nước cốt dừa tươi và mạch nha.", **ocop(4, "2457/QĐ-UBND", 15)),
            P("Kẹo dừa lá dứa", "banh-keo", "goi", 35000, 400, 420, "packet", GREEN, "Gói 400 g, thơm lá dứa."),
            P("Dầu dừa nguyên chất", "dac-san-che-bien", "chai", 90000, 150, 600, "bottle", CREAM, "Ép lạnh, chai 500 ml."),
            P("Mật hoa dừa", "dac-san-che-bien", "chai", 75000, 90, 450, "bottle", AMBER, "Chai 350 ml, thay đường."),
            P("Bánh tráng dừa nướng", "banh-keo", "goi", 30000, 250, 220, "packet", AMBER, "Gói 10 cái."),
        ),
    ),
    dict(
        key="sau-rieng-tu-nhan", name="Sầu riêng Ri6 vườn Tư Nhàn", owner=("0900 000 113", "Lê Văn Nhàn"),
        commune="cho-lach", village="Ấp Phú Hữu", cccd="083069003307", bank=("970403", "050098126734"),
        story="Vườn sầu riêng Ri6 và Musang King, trái rụng tự nhiên mới bán, cam kết cơm vàng, không sượng.",
        products=(
            P("Sầu riêng Ri6", "trai-cay", "kg", 95000, 800, 1000, "durian", YELLOW,
              "Cơm vàng, hạt lép, béo ngọt.", featured=True,
              certs=[vietgap("VietGAP-TT-15-07-83-0112", "Chi cục Trồng trọt và Bảo vệ thực vật Bến Tre", 20)]),
            P("Sầu riêng Musang King", "trai-cay", "kg", 180000, 200, 1000, "durian", GREEN, "Cơm vàng đậm, vị đắng nhẹ."),
            P("Cơm sầu riêng đông lạnh", "trai-cay", "hop", 250000, 60, 600, "box", YELLOW, "Hộp 500 g, cấp đông nhanh."),
            P("Bánh pía sầu riêng", "banh-keo", "hop", 85000, 120, 450, "box", CREAM, "Hộp 4 cái, nhân sầu riêng trứng muối."),
            P("Kem sầu riêng", "banh-keo", "hop", 60000, 0, 500, "box", CREAM, "Chỉ bán tại vườn mùa hè; đã hết hàng."),
        ),
    ),
    dict(
        key="cay-giong-hai-phuoc", name="Vườn cây giống Cái Mơn – Hai Phước", owner=("0900 000 114", "Võ Văn Phước"),
        commune="cho-lach", village="Ấp Hòa Khánh", cccd="083074006652", bank=("970418", "83110000451273"),
        story="Ba mươi năm làm cây giống, hoa kiểng. Cây ghép có nhãn giống, gửi xe đi khắp các tỉnh.",
        products=(
            P("Cây giống sầu riêng Ri6 ghép", "cay-giong", "cai", 60000, 500, 1500, "plant", GREEN,
              "Cây cao 60–70 cm, bầu 15 cm.", featured=True),
            P("Cây giống bưởi da xanh", "cay-giong", "cai", 35000, 800, 1200, "plant", GREEN, "Cây chiết, 2 tầng tán."),
            P("Cây giống chôm chôm Thái", "cay-giong", "cai", 40000, 300, 1200, "plant", GREEN, "Cây ghép mắt."),
            P("Cây giống măng cụt", "cay-giong", "cai", 75000, 150, 1500, "plant", GREEN, "Cây 2 năm tuổi."),
            P("Mai vàng Cái Mơn", "cay-giong", "cai", 450000, 40, 5000, "plant", YELLOW,
              "Mai ghép dáng trực, chậu 30 cm, nở đúng Tết."),
            P("Cây giống dừa sáp", "cay-giong", "cai", 120000, 100, 6000, "coconut", GREEN, "Cây cấy phôi, đảm bảo ra trái sáp."),
            P("Hoa giấy ghép nhiều màu", "cay-giong", "cai", 150000, 60, 3000, "plant", PINK, "Chậu treo, ba màu trên một gốc."),
        ),
    ),
    dict(
        key="trai-cay-chi-bay", name="Trái cây miệt vườn chị Bảy", owner=("0900 000 115", "Phạm Thị Bảy"),
        commune="cho-lach", village="Ấp Sơn Qui", cccd="083183007590", bank=("970452", "101003948275"),
        story="Vườn tạp đủ mùa trái cây. Hai vợ chồng tập huấn bán hàng trên sàn ở xã, "
              "giờ tự chụp ảnh, đăng bài và in nhãn gửi bưu điện.",
        products=(
            P("Chôm chôm Java vườn nhà", "trai-cay", "kg", 28000, 500, 1000, "cluster", RED, "Chôm chôm đầu mùa."),
            P("Măng cụt Long Thới", "trai-cay", "kg", 65000, 200, 1000, "round", PINK, "Trái nhỏ ngọt, bước 0,5 kg."),
            P("Chuối xiêm", "trai-cay", "kg", 18000, 300, 1000, "banana", YELLOW, "Nải chuối chín cây."),
            P("Nhãn xuồng cơm vàng", "trai-cay", "kg", 60000, 150, 1000, "cluster", CREAM, "Cơm dày, giòn."),
            P("Mít Thái siêu sớm", "trai-cay", "kg", 25000, 400, 1000, "durian", GREEN, "Múi vàng, giòn."),
            P("Chanh không hạt", "trai-cay", "kg", 20000, 300, 1000, "round", GREEN, "Nhiều nước, vỏ mỏng."),
        ),
    ),
)
