"""Banks in the NAPAS 247 network with their BINs (the 6 digits VietQR puts in field 38)."""

BANKS: dict[str, tuple[str, str]] = {
    # BIN: (short name, full name)
    "970405": ("Agribank", "Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam"),
    "970436": ("Vietcombank", "Ngân hàng TMCP Ngoại thương Việt Nam"),
    "970415": ("VietinBank", "Ngân hàng TMCP Công thương Việt Nam"),
    "970418": ("BIDV", "Ngân hàng TMCP Đầu tư và Phát triển Việt Nam"),
    "970422": ("MB", "Ngân hàng TMCP Quân đội"),
    "970407": ("Techcombank", "Ngân hàng TMCP Kỹ thương Việt Nam"),
    "970416": ("ACB", "Ngân hàng TMCP Á Châu"),
    "970432": ("VPBank", "Ngân hàng TMCP Việt Nam Thịnh Vượng"),
    "970423": ("TPBank", "Ngân hàng TMCP Tiên Phong"),
    "970403": ("Sacombank", "Ngân hàng TMCP Sài Gòn Thương Tín"),
    "970437": ("HDBank", "Ngân hàng TMCP Phát triển TP. Hồ Chí Minh"),
    "970441": ("VIB", "Ngân hàng TMCP Quốc tế Việt Nam"),
    "970443": ("SHB", "Ngân hàng TMCP Sài Gòn - Hà Nội"),
    "970431": ("Eximbank", "Ngân hàng TMCP Xuất Nhập khẩu Việt Nam"),
    "970426": ("MSB", "Ngân hàng TMCP Hàng Hải Việt Nam"),
    "970440": ("SeABank", "Ngân hàng TMCP Đông Nam Á"),
    "970448": ("OCB", "Ngân hàng TMCP Phương Đông"),
    "970449": ("LPBank", "Ngân hàng TMCP Lộc Phát Việt Nam"),
    "970428": ("Nam A Bank", "Ngân hàng TMCP Nam Á"),
    "970409": ("Bac A Bank", "Ngân hàng TMCP Bắc Á"),
    "970425": ("ABBANK", "Ngân hàng TMCP An Bình"),
    "970427": ("VietABank", "Ngân hàng TMCP Việt Á"),
    "970452": ("KienlongBank", "Ngân hàng TMCP Kiên Long"),
    "970412": ("PVcomBank", "Ngân hàng TMCP Đại Chúng Việt Nam"),
    "970400": ("Saigonbank", "Ngân hàng TMCP Sài Gòn Công Thương"),
    "970438": ("BaoViet Bank", "Ngân hàng TMCP Bảo Việt"),
    "970419": ("NCB", "Ngân hàng TMCP Quốc Dân"),
    "970433": ("VietBank", "Ngân hàng TMCP Việt Nam Thương Tín"),
    "970454": ("BVBank", "Ngân hàng TMCP Bản Việt"),
    "970429": ("SCB", "Ngân hàng TMCP Sài Gòn"),
    "970408": ("GPBank", "Ngân hàng Thương mại TNHH MTV Dầu Khí Toàn Cầu"),
    "970430": ("PGBank", "Ngân hàng TMCP Thịnh vượng và Phát triển"),
    "970406": ("DongA Bank", "Ngân hàng TMCP Đông Á"),
    "970446": ("Co-opBank", "Ngân hàng Hợp tác xã Việt Nam"),
    "970424": ("Shinhan Bank", "Ngân hàng TNHH MTV Shinhan Việt Nam"),
    "970457": ("Woori Bank", "Ngân hàng TNHH MTV Woori Việt Nam"),
}


def bank_choices() -> list[tuple[str, str]]:
    """(BIN, 'Short — Full name') for a select box, ordered by short name."""
    return sorted(
        ((bin_, f"{short} — {full}") for bin_, (short, full) in BANKS.items()),
        key=lambda item: item[1].lower(),
    )


def bank_name(bin_: str | None) -> str:
    return BANKS.get(bin_ or "", ("", ""))[0]
