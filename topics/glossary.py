# ruff: noqa: E501
"""Bring tickets the embedding model cannot read into its language through a support glossary.

The packaged all-MiniLM-L6-v2 reads English only: a Turkish or Chinese ticket about a stuck
withdrawal lands next to other Turkish or Chinese tickets, not next to English withdrawal tickets,
so themes split by language. No multilingual model can be installed offline here, so tickets in
other languages are embedded as an English *gist* instead of their own words: the English terms of
the support-domain glossary below found in the text, in order, plus the language-neutral tokens the
text carries (asset tickers, 2FA, KYC, P2P, API, network names, words in Latin script inside
non-Latin text). The ticket's own text is still used for keywords and representative tickets.

The glossary is general crypto-exchange and help-desk vocabulary (money movement, identity and
access, security, trading, apps and APIs), about 60 concepts in 14 languages; forms are lowercase
stems matched at a word start (anywhere in Chinese, Japanese, Korean and Thai). Extend it by adding
forms: a concept missing from a language only makes that language's gist shorter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from topics.config import TextConfig

GLOSSARY: dict[str, dict[str, tuple[str, ...]]] = {
    # money movement
    "deposit": {"zh": ("充值", "充币", "入金", "存款"), "es": ("depósit", "deposit", "ingreso"), "ru": ("депозит", "пополн", "зачисл", "внес"),
                "tr": ("yatır", "depozit"), "vi": ("nạp",), "pt": ("depósit", "deposit"), "fr": ("dépôt", "déposé", "versement"),
                "de": ("einzahl", "eingezahlt"), "ja": ("入金", "預け入れ"), "ko": ("입금",), "ar": ("إيداع", "أودعت", "ايداع"),
                "id": ("deposit", "setor"), "it": ("deposit", "versament"), "th": ("ฝาก",)},
    "withdrawal": {"zh": ("提币", "提现", "出金", "提款"), "es": ("retir",), "ru": ("вывод", "вывел", "снят"),
                   "tr": ("çek",), "vi": ("rút",), "pt": ("saque", "saquei", "retirad"), "fr": ("retrait", "retiré"),
                   "de": ("auszahl", "abheb", "ausgezahlt"), "ja": ("出金", "引き出"), "ko": ("출금",), "ar": ("سحب",),
                   "id": ("penarikan", "tarik", "withdraw"), "it": ("preliev", "prelevat"), "th": ("ถอน",)},
    "balance": {"zh": ("余额",), "es": ("saldo",), "ru": ("баланс",), "tr": ("bakiye",), "vi": ("số dư",), "pt": ("saldo",),
                "fr": ("solde",), "de": ("guthaben", "kontostand", "saldo"), "ja": ("残高",), "ko": ("잔액", "잔고"), "ar": ("رصيد", "الرصيد"),
                "id": ("saldo",), "it": ("saldo",), "th": ("ยอดเงิน", "ยอดคงเหลือ")},
    "not received": {"zh": ("未到账", "没到账", "没有到账", "没收到", "未收到"), "es": ("no ha llegado", "no me ha llegado", "no aparece", "no recib"),
                     "ru": ("не пришл", "не получил", "не зачисл", "не поступ"), "tr": ("gelmedi", "ulaşmadı", "görünmüyor"),
                     "vi": ("chưa nhận", "chưa về", "không nhận"), "pt": ("não chegou", "não recebi", "não aparece"),
                     "fr": ("pas reçu", "pas arrivé", "n'apparaît pas"), "de": ("nicht angekommen", "nicht erhalten", "nicht gutgeschrieben"),
                     "ja": ("届いていません", "反映されていません", "着金していません"), "ko": ("들어오지 않", "안 들어", "받지 못"),
                     "ar": ("لم يصل", "لم تصل", "لم أستلم"), "id": ("belum masuk", "belum diterima", "tidak masuk"),
                     "it": ("non è arrivat", "non ho ricevuto", "non accreditat"), "th": ("ไม่เข้า", "ยังไม่ได้รับ")},
    "pending processing": {"zh": ("处理中", "审核中", "等待"), "es": ("procesando", "pendiente"), "ru": ("обработк", "ожидан"),
                           "tr": ("işlemde", "bekl"), "vi": ("đang xử lý", "chờ"), "pt": ("processando", "pendente"),
                           "fr": ("en cours", "en attente"), "de": ("in bearbeitung", "ausstehend", "wart"), "ja": ("処理中", "保留"),
                           "ko": ("처리 중", "대기"), "ar": ("قيد المعالجة", "معلق"), "id": ("diproses", "pending", "menunggu"),
                           "it": ("in elaborazione", "in attesa"), "th": ("กำลังดำเนินการ", "รอ")},
    "blockchain transaction confirmed": {"zh": ("区块链", "已确认", "交易哈希"), "es": ("confirmad", "explorador", "transacción"),
                                         "ru": ("подтвержд", "блокчейн", "транзакц"), "tr": ("onaylan", "blok zinciri", "işlem"),
                                         "vi": ("xác nhận", "blockchain", "giao dịch"), "pt": ("confirmad", "transação"),
                                         "fr": ("confirmé", "transaction", "blockchain"), "de": ("bestätigt", "transaktion", "blockchain"),
                                         "ja": ("承認", "確認済", "トランザクション", "ブロックチェーン"), "ko": ("컨펌", "확인되", "블록체인", "트랜잭션"),
                                         "ar": ("مؤكد", "تأكيد", "المعاملة", "البلوكشين"), "id": ("terkonfirmasi", "konfirmasi", "transaksi"),
                                         "it": ("confermat", "transazione"), "th": ("ยืนยันแล้ว", "ธุรกรรม", "บล็อกเชน")},
    "wrong network": {"zh": ("选错网络", "错误网络", "网络错", "错链"), "es": ("red equivocada", "red incorrecta", "red "), "ru": ("не той сети", "неправильн", "сет"),
                      "tr": ("yanlış ağ", "ağ"), "vi": ("sai mạng", "mạng"), "pt": ("rede errada", "rede "), "fr": ("mauvais réseau", "réseau"),
                      "de": ("falsche netzwerk", "falschen netzwerk", "netzwerk"), "ja": ("ネットワーク", "間違"), "ko": ("네트워크", "잘못"),
                      "ar": ("الشبكة", "شبكة خاطئة"), "id": ("jaringan salah", "jaringan"), "it": ("rete sbagliata", "rete "), "th": ("เครือข่าย", "ผิด")},
    "memo tag": {"zh": ("备注", "标签"), "es": ("memo", "etiqueta"), "ru": ("мемо", "тег"), "tr": ("memo", "etiket"), "vi": ("memo", "tag"),
                 "pt": ("memo", "tag"), "fr": ("mémo", "memo", "tag"), "de": ("memo", "tag"), "ja": ("メモ", "タグ"), "ko": ("메모", "태그"),
                 "ar": ("المذكرة", "مذكرة", "ميمو"), "id": ("memo", "tag"), "it": ("memo", "tag"), "th": ("เมโม", "แท็ก")},
    "recover funds": {"zh": ("找回", "追回"), "es": ("recuper",), "ru": ("вернуть", "восстанов"), "tr": ("kurtar", "geri al"),
                      "vi": ("khôi phục", "lấy lại"), "pt": ("recuper",), "fr": ("récupér",), "de": ("zurückhol", "wiederherstell", "rückerstatt"),
                      "ja": ("取り戻", "復旧", "返金"), "ko": ("복구", "찾을 수", "돌려"), "ar": ("استرداد", "استعادة", "استرجاع"),
                      "id": ("pulihkan", "kembalikan", "memulihkan"), "it": ("recuper",), "th": ("กู้คืน", "คืน")},
    "address wallet": {"zh": ("地址", "钱包"), "es": ("dirección", "billetera", "cartera"), "ru": ("адрес", "кошел"), "tr": ("adres", "cüzdan"),
                       "vi": ("địa chỉ", "ví"), "pt": ("endereço", "carteira"), "fr": ("adresse", "portefeuille"), "de": ("adresse", "wallet"),
                       "ja": ("アドレス", "ウォレット"), "ko": ("주소", "지갑"), "ar": ("عنوان", "محفظ"), "id": ("alamat", "dompet"),
                       "it": ("indirizzo", "portafoglio"), "th": ("ที่อยู่", "กระเป๋า")},
    # identity and access
    "identity verification": {"zh": ("实名", "身份认证", "身份验证", "认证", "kyc"), "es": ("verificación", "identidad", "verificar"),
                              "ru": ("верификац", "личност", "kyc"), "tr": ("doğrulama", "kimlik"), "vi": ("xác minh", "danh tính", "ekyc"),
                              "pt": ("verificação", "identidade", "verificar"), "fr": ("vérification", "identité", "vérifier"),
                              "de": ("verifizier", "identität", "identitätsprüfung"), "ja": ("本人確認", "認証"), "ko": ("인증", "신원"),
                              "ar": ("التحقق", "الهوية", "توثيق"), "id": ("verifikasi", "identitas"), "it": ("verifica", "identità"),
                              "th": ("ยืนยันตัวตน", "การยืนยัน")},
    "passport id document": {"zh": ("身份证", "护照", "证件"), "es": ("pasaporte", "dni", "documento"), "ru": ("паспорт", "документ"),
                             "tr": ("pasaport", "kimlik kart", "belge"), "vi": ("hộ chiếu", "cccd", "cmnd", "giấy tờ"),
                             "pt": ("passaporte", "rg", "documento"), "fr": ("passeport", "carte d'identité", "document"),
                             "de": ("reisepass", "ausweis", "personalausweis", "dokument"), "ja": ("パスポート", "身分証", "マイナンバー", "免許証"),
                             "ko": ("여권", "신분증"), "ar": ("جواز", "بطاقة الهوية", "وثيقة"), "id": ("paspor", "ktp", "dokumen"),
                             "it": ("passaporto", "carta d'identità", "documento"), "th": ("พาสปอร์ต", "บัตรประชาชน", "เอกสาร")},
    "photo selfie": {"zh": ("照片", "自拍", "人脸"), "es": ("foto", "selfie"), "ru": ("фото", "селфи"), "tr": ("fotoğraf", "selfie"),
                     "vi": ("ảnh", "selfie", "khuôn mặt"), "pt": ("foto", "selfie"), "fr": ("photo", "selfie"), "de": ("foto", "selfie"),
                     "ja": ("写真", "セルフィー", "顔"), "ko": ("사진", "셀카", "얼굴"), "ar": ("صورة", "الصورة", "سيلفي"),
                     "id": ("foto", "selfie", "wajah"), "it": ("foto", "selfie"), "th": ("รูป", "ภาพ", "เซลฟี่")},
    "rejected failed": {"zh": ("失败", "拒绝", "驳回", "未通过"), "es": ("rechaz", "fall"), "ru": ("отклон", "не прошл", "ошибк"),
                        "tr": ("reddedil", "başarısız"), "vi": ("bị từ chối", "thất bại", "không thành công"), "pt": ("rejeit", "recusad", "falh"),
                        "fr": ("refus", "rejet", "échou"), "de": ("abgelehnt", "fehlgeschlagen", "scheitert"), "ja": ("失敗", "却下", "拒否"),
                        "ko": ("실패", "거절", "반려"), "ar": ("رفض", "فشل", "مرفوض"), "id": ("ditolak", "gagal"), "it": ("rifiutat", "fallit", "non riesc"),
                        "th": ("ไม่ผ่าน", "ถูกปฏิเสธ", "ล้มเหลว")},
    "account locked": {"zh": ("账户被锁", "账号被锁", "锁定", "冻结"), "es": ("bloquead",), "ru": ("заблокир", "блокиров"),
                       "tr": ("kilitlen", "bloke"), "vi": ("bị khóa", "khóa"), "pt": ("bloquead",), "fr": ("bloqué", "verrouillé"),
                       "de": ("gesperrt", "sperr"), "ja": ("ロック", "凍結"), "ko": ("잠겼", "잠금", "동결"), "ar": ("مقفل", "قفل", "تجميد", "مجمد"),
                       "id": ("terkunci", "diblokir", "bekukan"), "it": ("bloccat",), "th": ("ล็อก", "ถูกระงับ", "อายัด")},
    "account": {"zh": ("账户", "账号"), "es": ("cuenta",), "ru": ("аккаунт", "учетн", "учётн"), "tr": ("hesab", "hesap"), "vi": ("tài khoản",),
                "pt": ("conta",), "fr": ("compte",), "de": ("konto",), "ja": ("アカウント", "口座"), "ko": ("계정", "계좌"), "ar": ("حساب",),
                "id": ("akun",), "it": ("account", "conto"), "th": ("บัญชี",)},
    "login": {"zh": ("登录", "登陆"), "es": ("iniciar sesión", "entrar", "acceder"), "ru": ("войти", "вход"), "tr": ("giriş",),
              "vi": ("đăng nhập",), "pt": ("entrar", "login", "acessar"), "fr": ("connecter", "connexion"), "de": ("einloggen", "anmeld", "login"),
              "ja": ("ログイン",), "ko": ("로그인",), "ar": ("تسجيل الدخول", "الدخول"), "id": ("masuk", "login"), "it": ("accedere", "accesso", "login"),
              "th": ("เข้าสู่ระบบ", "ล็อกอิน")},
    "verification code": {"zh": ("验证码",), "es": ("código",), "ru": ("код",), "tr": ("kod",), "vi": ("mã",), "pt": ("código",),
                          "fr": ("code",), "de": ("code",), "ja": ("コード",), "ko": ("코드", "인증번호"), "ar": ("رمز", "الرمز", "كود"),
                          "id": ("kode",), "it": ("codice",), "th": ("รหัส",)},
    "phone": {"zh": ("手机", "换了手机"), "es": ("teléfono", "celular", "móvil"), "ru": ("телефон",), "tr": ("telefon",),
              "vi": ("điện thoại",), "pt": ("celular", "telefone"), "fr": ("téléphone",), "de": ("handy", "telefon"),
              "ja": ("携帯", "スマホ", "電話"), "ko": ("휴대폰", "폰", "전화"), "ar": ("هاتف", "الهاتف", "جوال"), "id": ("hp", "ponsel", "telepon"),
              "it": ("telefono", "cellulare"), "th": ("โทรศัพท์", "มือถือ")},
    "password": {"zh": ("密码",), "es": ("contraseña",), "ru": ("пароль",), "tr": ("şifre", "parola"), "vi": ("mật khẩu",),
                 "pt": ("senha",), "fr": ("mot de passe",), "de": ("passwort", "kennwort"), "ja": ("パスワード",), "ko": ("비밀번호",),
                 "ar": ("كلمة المرور", "كلمة السر"), "id": ("kata sandi", "password"), "it": ("password",), "th": ("รหัสผ่าน",)},
    "reset": {"zh": ("重置",), "es": ("restablec", "resete"), "ru": ("сброс", "сбрось"), "tr": ("sıfırla",), "vi": ("đặt lại", "reset"),
              "pt": ("redefin", "resetar"), "fr": ("réinitialis",), "de": ("zurücksetz",), "ja": ("リセット",), "ko": ("초기화", "재설정"),
              "ar": ("إعادة تعيين", "إعادة ضبط"), "id": ("reset", "atur ulang"), "it": ("reimpost", "resett"), "th": ("รีเซ็ต",)},
    # security
    "hacked": {"zh": ("被盗", "被黑", "盗号"), "es": ("hacke", "robad", "robaron"), "ru": ("взлом", "украл"), "tr": ("hacklen", "çalındı", "çalın"),
               "vi": ("bị hack", "bị đánh cắp", "mất cắp"), "pt": ("hacke", "roubad", "invadid"), "fr": ("piraté", "volé"),
               "de": ("gehackt", "gestohlen"), "ja": ("乗っ取", "ハッキング", "盗まれ"), "ko": ("해킹", "도난"), "ar": ("اختراق", "اخترق", "سرقة", "سرق"),
               "id": ("diretas", "dibobol", "dicuri"), "it": ("hackerat", "rubat"), "th": ("แฮก", "ถูกขโมย")},
    "unauthorized": {"zh": ("未经", "未授权"), "es": ("sin mi permiso", "no autorizad"), "ru": ("без моего", "несанкционир"),
                     "tr": ("iznim olmadan", "yetkisiz"), "vi": ("không có sự cho phép", "trái phép"), "pt": ("sem minha permissão", "não autorizad"),
                     "fr": ("sans mon autorisation", "non autorisé"), "de": ("ohne meine", "unbefugt", "unautorisiert"),
                     "ja": ("許可なく", "不正"), "ko": ("허락 없이", "무단"), "ar": ("دون إذن", "بدون إذن", "غير مصرح"),
                     "id": ("tanpa izin",), "it": ("senza il mio permesso", "non autorizzat"), "th": ("โดยไม่ได้รับอนุญาต",)},
    "phishing fake link": {"zh": ("钓鱼", "假的", "虚假", "链接"), "es": ("enlace falso", "phishing", "falso"), "ru": ("фишинг", "фальшив", "поддельн", "ссылк"),
                           "tr": ("sahte", "bağlant", "oltalama"), "vi": ("giả mạo", "lừa đảo", "liên kết"), "pt": ("link falso", "falso", "phishing"),
                           "fr": ("faux", "lien", "hameçonnage", "phishing"), "de": ("gefälscht", "falsch", "link", "phishing"),
                           "ja": ("フィッシング", "偽", "リンク"), "ko": ("피싱", "가짜", "링크"), "ar": ("تصيد", "مزيف", "رابط"),
                           "id": ("palsu", "tautan", "phishing"), "it": ("falso", "link", "phishing"), "th": ("ฟิชชิ่ง", "ปลอม", "ลิงก์")},
    "freeze account": {"zh": ("冻结",), "es": ("congel",), "ru": ("заморoз", "замороз"), "tr": ("dondur",), "vi": ("đóng băng",), "pt": ("congel",),
                       "fr": ("geler", "gelez", "bloquez"), "de": ("einfrier", "sperren sie"), "ja": ("凍結",), "ko": ("동결",), "ar": ("تجميد", "جمد"),
                       "id": ("bekukan", "membekukan"), "it": ("congel",), "th": ("ระงับ", "อายัด")},
    "scam": {"zh": ("骗", "诈骗"), "es": ("estafa",), "ru": ("мошенн", "обман"), "tr": ("dolandır",), "vi": ("lừa",), "pt": ("golpe",),
             "fr": ("arnaqu", "escroqu"), "de": ("betrug", "betrüg", "abzocke"), "ja": ("詐欺",), "ko": ("사기",), "ar": ("احتيال", "نصب"),
             "id": ("penipu",), "it": ("truffa",), "th": ("โกง", "หลอก")},
    # p2p
    "p2p seller release crypto": {"zh": ("卖家", "放币"), "es": ("vendedor", "libera"), "ru": ("продав", "отпуска"), "tr": ("satıcı", "serbest bırak"),
                                  "vi": ("người bán", "nhả coin", "giải phóng"), "pt": ("vendedor", "liber"), "fr": ("vendeur", "libère"),
                                  "de": ("verkäufer", "freigeb", "freigegeben"), "ja": ("売り手", "リリース", "解放"), "ko": ("판매자", "코인을 보내"),
                                  "ar": ("البائع", "بائع", "تحرير"), "id": ("penjual", "melepas", "rilis"), "it": ("venditor", "rilascia"),
                                  "th": ("ผู้ขาย", "ปล่อยเหรียญ")},
    "buyer": {"zh": ("买家",), "es": ("comprador",), "ru": ("покупател",), "tr": ("alıcı",), "vi": ("người mua",), "pt": ("comprador",),
              "fr": ("acheteur",), "de": ("käufer",), "ja": ("買い手",), "ko": ("구매자",), "ar": ("المشتري",), "id": ("pembeli",),
              "it": ("acquirente",), "th": ("ผู้ซื้อ",)},
    "paid payment": {"zh": ("付款", "支付", "已付"), "es": ("pagué", "pago", "pagad"), "ru": ("оплат", "заплат"), "tr": ("ödeme", "ödedim", "öde"),
                     "vi": ("thanh toán", "đã trả", "chuyển khoản"), "pt": ("paguei", "pagamento", "pago"), "fr": ("payé", "paiement"),
                     "de": ("bezahlt", "zahlung", "überwiesen"), "ja": ("支払", "振り込"), "ko": ("결제", "송금", "입금했"), "ar": ("دفعت", "الدفع", "دفع"),
                     "id": ("bayar", "pembayaran"), "it": ("pagat", "pagamento"), "th": ("จ่าย", "ชำระ", "โอนเงิน")},
    "appeal dispute": {"zh": ("申诉", "纠纷"), "es": ("apelación", "disputa", "reclam"), "ru": ("апелляц", "спор", "жалоб"), "tr": ("itiraz", "şikayet"),
                       "vi": ("khiếu nại", "tranh chấp"), "pt": ("apelação", "disputa", "reclama"), "fr": ("appel", "litige", "réclamation"),
                       "de": ("einspruch", "streitfall", "beschwerde", "reklamation"), "ja": ("異議", "申し立て", "紛争"), "ko": ("이의", "분쟁", "신고"),
                       "ar": ("استئناف", "نزاع", "شكوى"), "id": ("banding", "sengketa", "komplain"), "it": ("ricorso", "disputa", "reclamo"),
                       "th": ("อุทธรณ์", "ข้อพิพาท", "ร้องเรียน")},
    "order": {"zh": ("订单",), "es": ("orden", "pedido"), "ru": ("ордер", "заказ", "сделк"), "tr": ("emir", "sipariş"), "vi": ("lệnh", "đơn"),
              "pt": ("ordem", "pedido"), "fr": ("ordre", "commande"), "de": ("auftrag", "order", "bestellung"), "ja": ("注文",), "ko": ("주문",),
              "ar": ("الطلب", "أمر"), "id": ("order", "pesanan"), "it": ("ordine",), "th": ("คำสั่ง", "ออเดอร์")},
    # trading
    "futures position": {"zh": ("合约", "多单", "空单", "仓位"), "es": ("futuros", "posición"), "ru": ("фьючерс", "позици"), "tr": ("vadeli", "pozisyon"),
                         "vi": ("hợp đồng", "vị thế"), "pt": ("futuros", "posição"), "fr": ("contrats à terme", "futures", "position"),
                         "de": ("futures", "position"), "ja": ("先物", "ポジション"), "ko": ("선물", "포지션"), "ar": ("العقود الآجلة", "مركز", "صفقة"),
                         "id": ("futures", "posisi"), "it": ("futures", "posizione"), "th": ("ฟิวเจอร์ส", "สัญญา", "โพสิชั่น")},
    "liquidation": {"zh": ("强平", "爆仓", "强制平仓"), "es": ("liquid",), "ru": ("ликвид",), "tr": ("likit", "tasfiye"), "vi": ("thanh lý",),
                    "pt": ("liquid",), "fr": ("liquid",), "de": ("liquid",), "ja": ("ロスカット", "清算", "強制決済"), "ko": ("청산",),
                    "ar": ("تصفية",), "id": ("likuidasi",), "it": ("liquid",), "th": ("ชำระบัญชี", "ล้างพอร์ต", "ลิควิด")},
    "price": {"zh": ("价格", "价"), "es": ("precio",), "ru": ("цен",), "tr": ("fiyat",), "vi": ("giá",), "pt": ("preço",), "fr": ("prix",),
              "de": ("preis", "kurs"), "ja": ("価格",), "ko": ("가격",), "ar": ("سعر", "السعر"), "id": ("harga",), "it": ("prezzo",), "th": ("ราคา",)},
    "wick": {"zh": ("插针",), "es": ("mecha",), "ru": ("шпиль", "свеч"), "tr": ("iğne", "fitil"), "vi": ("râu nến",), "pt": ("pavio",),
             "fr": ("mèche",), "de": ("docht", "wick"), "ja": ("ヒゲ",), "ko": ("꼬리",), "ar": ("ذيل", "فتيل"), "id": ("sumbu", "ekor"),
             "it": ("stoppino", "spike"), "th": ("ไส้เทียน",)},
    "loss compensation": {"zh": ("亏", "赔偿", "损失"), "es": ("perdí", "pérdida", "compensación"), "ru": ("потерял", "убыт", "компенсац"),
                          "tr": ("kaybettim", "zarar", "tazminat"), "vi": ("lỗ", "mất", "bồi thường"), "pt": ("perdi", "perda", "compensação"),
                          "fr": ("perdu", "perte", "compensation", "dédommag"), "de": ("verloren", "verlust", "entschädig"), "ja": ("損失", "補償", "失"),
                          "ko": ("손실", "보상", "잃"), "ar": ("خسرت", "خسارة", "تعويض"), "id": ("rugi", "kehilangan", "kompensasi"),
                          "it": ("perso", "perdita", "risarciment"), "th": ("ขาดทุน", "เสีย", "ชดเชย")},
    "trading bot strategy": {"zh": ("机器人", "策略", "马丁"), "es": ("bot", "estrategia", "martingala"), "ru": ("бот", "стратег", "мартингейл"),
                             "tr": ("bot", "strateji", "martingale"), "vi": ("bot", "chiến lược", "martingale"), "pt": ("bot", "estratégia", "martingale"),
                             "fr": ("bot", "stratégie", "martingale"), "de": ("bot", "strategie", "martingale"), "ja": ("ボット", "戦略", "マーチンゲール"),
                             "ko": ("봇", "전략", "마틴게일"), "ar": ("بوت", "روبوت", "استراتيجية", "مارتينجال"), "id": ("bot", "strategi", "martingale"),
                             "it": ("bot", "strategia", "martingala"), "th": ("บอท", "กลยุทธ์", "มาร์ติงเกล")},
    "doubling buying more": {"zh": ("加仓", "补仓", "加倍"), "es": ("duplic", "compra"), "ru": ("удваив", "докуп", "покуп"), "tr": ("ikiye katl", "alım", "almaya"),
                             "vi": ("nhân đôi", "mua thêm", "mua"), "pt": ("dobr", "compra"), "fr": ("doubl", "achat", "achète"),
                             "de": ("verdoppel", "nachkauf", "kauft"), "ja": ("倍", "買い増し", "ナンピン"), "ko": ("두 배", "추가 매수", "매수"),
                             "ar": ("مضاعف", "شراء"), "id": ("menggandakan", "membeli", "beli"), "it": ("raddoppi", "acquist", "compra"),
                             "th": ("เพิ่มเป็นสองเท่า", "ซื้อ")},
    "take profit stop loss": {"zh": ("止盈", "止损"), "es": ("tomar ganancias", "stop loss", "take profit"), "ru": ("тейк", "стоп", "прибыл"),
                              "tr": ("kar al", "zarar durdur", "kâr"), "vi": ("chốt lời", "cắt lỗ"), "pt": ("realizar lucro", "take profit", "stop"),
                              "fr": ("prise de bénéfice", "take profit", "stop"), "de": ("gewinnmitnahme", "take-profit", "stop"),
                              "ja": ("利確", "利益確定", "損切"), "ko": ("익절", "손절"), "ar": ("جني الأرباح", "وقف الخسارة"),
                              "id": ("take profit", "ambil untung", "stop loss"), "it": ("prendere profitto", "take profit", "stop"),
                              "th": ("ทำกำไร", "ตัดขาดทุน")},
    # wallet, apps, api
    "web3 wallet": {"zh": ("web3钱包",), "es": ("billetera web3",), "ru": ("web3",), "tr": ("web3",), "vi": ("ví web3",), "pt": ("carteira web3",),
                    "fr": ("portefeuille web3",), "de": ("web3-wallet", "web3 wallet"), "ja": ("web3ウォレット",), "ko": ("web3 지갑",),
                    "ar": ("محفظة web3",), "id": ("dompet web3",), "it": ("wallet web3", "portafoglio web3"), "th": ("กระเป๋า web3",)},
    "slow loading": {"zh": ("很慢", "加载", "慢"), "es": ("lent", "tarda", "cargar"), "ru": ("медлен", "загруж", "грузит", "долго"),
                     "tr": ("yavaş", "yüklen"), "vi": ("chậm", "tải"), "pt": ("lent", "demora", "carregar"), "fr": ("lent", "charg"),
                     "de": ("langsam", "lädt", "laden", "dauert"), "ja": ("遅", "読み込"), "ko": ("느려", "느림", "로딩"), "ar": ("بطيئ", "بطء", "تحميل"),
                     "id": ("lambat", "lemot", "memuat"), "it": ("lent", "caricare", "caricament"), "th": ("ช้า", "โหลด")},
    "connect timeout": {"zh": ("连接", "超时"), "es": ("conectar", "sin respuesta", "tiempo de espera"), "ru": ("подключ", "таймаут", "тайм-аут"),
                        "tr": ("bağlan", "zaman aşımı"), "vi": ("kết nối", "hết thời gian"), "pt": ("conectar", "tempo limite"),
                        "fr": ("connecter", "connexion", "délai"), "de": ("verbind", "timeout", "zeitüberschreitung"), "ja": ("接続", "タイムアウト"),
                        "ko": ("연결", "시간 초과", "타임아웃"), "ar": ("الاتصال", "اتصال", "انتهاء المهلة"), "id": ("menghubungkan", "terhubung", "timeout"),
                        "it": ("collega", "connession", "timeout"), "th": ("เชื่อมต่อ", "หมดเวลา")},
    "signature": {"zh": ("签名",), "es": ("firma",), "ru": ("подпис",), "tr": ("imza",), "vi": ("ký",), "pt": ("assinatura",), "fr": ("signature",),
                  "de": ("signatur",), "ja": ("署名",), "ko": ("서명",), "ar": ("توقيع",), "id": ("tanda tangan",), "it": ("firma",), "th": ("ลายเซ็น",)},
    "fee": {"zh": ("手续费", "费率", "费用"), "es": ("comisi", "tarifa"), "ru": ("комисси",), "tr": ("komisyon", "ücret"), "vi": ("phí",),
            "pt": ("taxa", "tarifa"), "fr": ("frais", "commission", "tarif"), "de": ("gebühr",), "ja": ("手数料",), "ko": ("수수료",),
            "ar": ("رسوم", "الرسوم", "عمولة"), "id": ("biaya",), "it": ("commission", "tariff"), "th": ("ค่าธรรมเนียม",)},
    "too high charged": {"zh": ("太高", "高很多", "多收"), "es": ("demasiado alta", "más alta", "cobraron"), "ru": ("слишком", "выше", "списал"),
                         "tr": ("çok yüksek", "yüksek", "kesild"), "vi": ("quá cao", "cao hơn", "thu"), "pt": ("muito alta", "mais alta", "cobrad"),
                         "fr": ("trop élevé", "plus élevé", "prélev", "factur"), "de": ("zu hoch", "höher", "berechnet"), "ja": ("高す", "高い"),
                         "ko": ("너무 높", "더 높", "부과"), "ar": ("مرتفع", "أعلى"), "id": ("terlalu tinggi", "lebih tinggi", "dikenakan"),
                         "it": ("troppo alt", "più alt", "addebitat"), "th": ("สูงเกินไป", "สูงกว่า", "เรียกเก็บ")},
    "discount": {"zh": ("折扣", "优惠"), "es": ("descuento",), "ru": ("скидк",), "tr": ("indirim",), "vi": ("giảm",), "pt": ("desconto",),
                 "fr": ("réduction", "remise"), "de": ("rabatt", "ermäßigung"), "ja": ("割引",), "ko": ("할인",), "ar": ("خصم",), "id": ("diskon", "potongan"),
                 "it": ("sconto",), "th": ("ส่วนลด",)},
    "app": {"zh": ("app", "应用", "客户端"), "es": ("app", "aplicación"), "ru": ("приложени",), "tr": ("uygulama",), "vi": ("ứng dụng", "app"),
            "pt": ("app", "aplicativo"), "fr": ("appli", "application"), "de": ("app",), "ja": ("アプリ",), "ko": ("앱",), "ar": ("التطبيق", "تطبيق"),
            "id": ("aplikasi",), "it": ("app", "applicazione"), "th": ("แอป", "แอพ")},
    "crash closes": {"zh": ("闪退", "崩溃"), "es": ("se cierra", "se bloquea", "crash"), "ru": ("вылет", "закрыва", "крашит"), "tr": ("çöküyor", "kapanıyor", "kapan"),
                     "vi": ("văng", "tự thoát", "crash"), "pt": ("fecha sozinho", "trava", "fecha", "crash"), "fr": ("plante", "se ferme", "crash"),
                     "de": ("stürzt", "absturz", "schließt sich"), "ja": ("落ち", "クラッシュ", "強制終了"), "ko": ("튕", "꺼져", "충돌", "종료"),
                     "ar": ("يتعطل", "تعطل", "يغلق", "ينهار"), "id": ("crash", "keluar sendiri", "tertutup"), "it": ("si chiude", "crash", "si blocca"),
                     "th": ("แครช", "เด้งออก", "ปิดเอง")},
    "update version": {"zh": ("更新", "版本"), "es": ("actualic", "actualiz", "versión"), "ru": ("обновлен", "обновил", "верси"), "tr": ("güncelle", "sürüm"),
                       "vi": ("cập nhật", "phiên bản"), "pt": ("atualiz", "versão"), "fr": ("mise à jour", "version"), "de": ("update", "aktualis", "version"),
                       "ja": ("アップデート", "更新", "バージョン"), "ko": ("업데이트", "버전"), "ar": ("تحديث", "الإصدار", "إصدار"),
                       "id": ("update", "memperbarui", "versi"), "it": ("aggiorn", "versione"), "th": ("อัปเดต", "เวอร์ชัน")},
    "reinstall": {"zh": ("重装", "重新安装"), "es": ("reinstal",), "ru": ("переустан",), "tr": ("yeniden yükle", "sil"), "vi": ("cài lại",),
                  "pt": ("reinstal",), "fr": ("réinstall",), "de": ("neu installiert", "neuinstall"), "ja": ("再インストール",), "ko": ("재설치",),
                  "ar": ("إعادة تثبيت", "أعدت تثبيت"), "id": ("instal ulang",), "it": ("reinstall",), "th": ("ติดตั้งใหม่",)},
    "api request limit": {"zh": ("频率限制", "限制", "请求"), "es": ("límite", "solicitudes"), "ru": ("лимит", "ограничен", "запрос"),
                          "tr": ("limit", "istek"), "vi": ("giới hạn", "yêu cầu"), "pt": ("limite", "requisiç", "solicitaç"),
                          "fr": ("limite", "requêtes"), "de": ("limit", "anfragen", "anfrage"), "ja": ("制限", "リクエスト"),
                          "ko": ("제한", "요청"), "ar": ("حد", "طلبات"), "id": ("batas", "permintaan"), "it": ("limite", "richiest"),
                          "th": ("จำกัด", "คำขอ")},
    "error blocked banned": {"zh": ("报错", "错误", "被封", "封禁"), "es": ("error", "bloque", "baneado"), "ru": ("ошибк", "бан", "забанил"),
                             "tr": ("hata", "engellen", "banlan"), "vi": ("lỗi", "bị chặn"), "pt": ("erro", "bloque", "banid"),
                             "fr": ("erreur", "bloqué", "banni"), "de": ("fehler", "gesperrt", "gebannt"), "ja": ("エラー", "ブロック", "禁止"),
                             "ko": ("오류", "에러", "차단"), "ar": ("خطأ", "حظر", "محظور"), "id": ("error", "kesalahan", "diblokir"),
                             "it": ("errore", "bloccat", "bannat"), "th": ("ข้อผิดพลาด", "บล็อก", "แบน")},
    "per minute": {"zh": ("每分钟",), "es": ("por minuto",), "ru": ("в минуту",), "tr": ("dakikada",), "vi": ("mỗi phút",), "pt": ("por minuto",),
                   "fr": ("par minute",), "de": ("pro minute",), "ja": ("毎分", "1分あたり"), "ko": ("분당",), "ar": ("في الدقيقة",),
                   "id": ("per menit",), "it": ("al minuto",), "th": ("ต่อนาที",)},
    # account admin
    "referral reward": {"zh": ("邀请", "返佣", "推荐", "奖励"), "es": ("referid", "recompensa", "invit"), "ru": ("реферал", "приглас", "бонус", "вознагражд"),
                        "tr": ("referans", "davet", "ödül"), "vi": ("giới thiệu", "mời", "thưởng"), "pt": ("indicaç", "recompensa", "convid"),
                        "fr": ("parrainage", "récompense", "invit"), "de": ("empfehlung", "prämie", "belohnung", "eingeladen"),
                        "ja": ("紹介", "招待", "報酬", "リワード"), "ko": ("추천", "초대", "보상", "리워드"), "ar": ("إحالة", "دعوة", "مكافأة"),
                        "id": ("referral", "undang", "hadiah", "bonus"), "it": ("referral", "invit", "ricompens", "premio"), "th": ("แนะนำ", "เชิญ", "รางวัล")},
    "nickname profile": {"zh": ("昵称",), "es": ("apodo", "nombre de usuario"), "ru": ("никнейм", "ник "), "tr": ("takma ad", "kullanıcı adı"),
                         "vi": ("biệt danh", "tên hiển thị"), "pt": ("apelido",), "fr": ("pseudo",), "de": ("spitzname", "benutzername", "nickname"),
                         "ja": ("ニックネーム",), "ko": ("닉네임",), "ar": ("الاسم المستعار", "اسم المستخدم"), "id": ("nama panggilan",),
                         "it": ("nickname", "soprannome"), "th": ("ชื่อเล่น",)},
    "close account": {"zh": ("注销", "关闭账户"), "es": ("cerrar mi cuenta", "cierro mi cuenta", "eliminar mi cuenta"), "ru": ("закрыть аккаунт", "удалить аккаунт"),
                      "tr": ("hesabımı kapat", "hesabımı sil"), "vi": ("đóng tài khoản", "xóa tài khoản"), "pt": ("encerrar minha conta", "excluir minha conta", "fechar minha conta"),
                      "fr": ("fermer mon compte", "clôturer", "supprimer mon compte"), "de": ("konto schließen", "konto löschen"),
                      "ja": ("解約", "退会", "アカウント削除"), "ko": ("탈퇴", "계정 삭제", "해지"), "ar": ("إغلاق حسابي", "حذف حسابي"),
                      "id": ("menutup akun", "hapus akun", "tutup akun"), "it": ("chiudere il mio account", "cancellare il mio account", "chiudere il conto"),
                      "th": ("ปิดบัญชี", "ลบบัญชี")},
    "tax statement history": {"zh": ("税", "账单", "记录", "历史"), "es": ("impuesto", "historial", "declaración", "informe"), "ru": ("налог", "истори", "выписк", "отчет", "отчёт"),
                              "tr": ("vergi", "geçmiş", "ekstre", "rapor"), "vi": ("thuế", "lịch sử", "sao kê", "báo cáo"), "pt": ("imposto", "histórico", "relatório", "extrato"),
                              "fr": ("impôt", "fiscal", "historique", "relevé", "rapport"), "de": ("steuer", "verlauf", "historie", "kontoauszug", "bericht"),
                              "ja": ("税", "履歴", "明細", "報告書"), "ko": ("세금", "내역", "기록", "명세"), "ar": ("ضريب", "سجل", "كشف", "تقرير"),
                              "id": ("pajak", "riwayat", "laporan"), "it": ("tasse", "fiscal", "cronologia", "estratto", "report"),
                              "th": ("ภาษี", "ประวัติ", "รายงาน")},
    "card": {"zh": ("银行卡", "信用卡"), "es": ("tarjeta",), "ru": ("карт",), "tr": ("kart",), "vi": ("thẻ",), "pt": ("cartão",), "fr": ("carte",),
             "de": ("karte",), "ja": ("カード",), "ko": ("카드",), "ar": ("بطاقة",), "id": ("kartu",), "it": ("carta",), "th": ("บัตร",)},
    "urgent help": {"zh": ("尽快", "马上", "紧急", "帮"), "es": ("urgente", "ayuda"), "ru": ("срочно", "помоги"), "tr": ("acil", "yardım"),
                    "vi": ("gấp", "giúp"), "pt": ("urgente", "ajuda"), "fr": ("urgent", "aide"), "de": ("dringend", "hilfe", "helfen"),
                    "ja": ("至急", "急ぎ", "助けて"), "ko": ("급", "도와"), "ar": ("عاجل", "مساعدة", "ساعد"), "id": ("segera", "tolong", "bantu"),
                    "it": ("urgente", "aiut"), "th": ("ด่วน", "ช่วย")},
}
"""English concept -> language -> lowercase forms (stems) that express it."""

UNSPACED = frozenset({"zh", "ja", "ko", "th"})
"""Languages whose forms are matched anywhere in a word (no reliable word boundaries)."""

_NON_LATIN = frozenset({"zh", "ja", "ko", "th", "ru", "ar"})
_MAX_TOKEN = 20  # longer tokens are ids, addresses and hashes
_PLACEHOLDER = re.compile(r"<[A-Z_]+>")
_LATIN_WORD = re.compile(r"[A-Za-z0-9]*[A-Za-z][A-Za-z0-9/+-]*")
_CODE = re.compile(r"\b(?=[A-Za-z0-9/-]*[A-Za-z])(?=[A-Za-z0-9/-]*\d)[A-Za-z0-9/-]{2,}\b|\b[A-Z]{2,}[A-Za-z]*\b")


def glossary_languages() -> frozenset[str]:
    """Languages the glossary covers."""
    return frozenset(lang for forms in GLOSSARY.values() for lang in forms)


@lru_cache(maxsize=32)
def _matcher(language: str) -> tuple[re.Pattern[str], dict[str, str]] | None:
    concept_of: dict[str, str] = {}
    for concept, forms in GLOSSARY.items():
        for form in forms.get(language, ()):
            concept_of.setdefault(form.lower(), concept)
    if not concept_of:
        return None
    alternation = "|".join(re.escape(f) for f in sorted(concept_of, key=len, reverse=True))
    start = "" if language in UNSPACED else r"(?<!\w)"
    return re.compile(f"{start}(?:{alternation})"), concept_of


def neutral_tokens(text: str, language: str) -> list[str]:
    """Tokens any reader shares, whatever the language.

    Codes with digits or capitals (USDT, 2FA, TRC20, KYC, P2P, API) and, inside non-Latin text,
    every Latin-script word (brands, product and technical terms); ids longer than 20 are dropped.
    """
    text = _PLACEHOLDER.sub(" ", text)
    found = _LATIN_WORD.findall(text) if language in _NON_LATIN else _CODE.findall(text)
    return [t for t in found if len(t) <= _MAX_TOKEN]


def english_gist(text: str, language: str) -> str | None:
    """The English gist of a ticket in ``language``: glossary concepts in order, then neutral tokens.

    Args:
        text: Ticket text (subject and body).
        language: ISO 639-1 code of the text.

    Returns:
        The gist, or None when the language is not covered or no glossary term occurs (the caller
        then embeds the original text).
    """
    matcher = _matcher(language)
    if matcher is None:
        return None
    pattern, concept_of = matcher
    concepts: list[str] = []
    for match in pattern.finditer(text.lower()):
        concept = concept_of[match.group(0)]
        if concept not in concepts:
            concepts.append(concept)
    if not concepts:
        return None
    tokens: list[str] = []
    for token in neutral_tokens(text, language):
        if token not in tokens:
            tokens.append(token)
    return " ".join([*concepts, *tokens])


def model_language_texts(texts: Sequence[str], languages: Sequence[str], model_languages: Sequence[str] = ("en",)) -> list[str]:
    """The texts to embed: as they are in a language the model reads, else their English gist.

    Args:
        texts: Ticket texts.
        languages: Detected language per text (ISO 639-1).
        model_languages: Languages the embedding model reads (MiniLM: English).

    Returns:
        One text per input.
    """
    if len(texts) != len(languages):
        raise ValueError(f"{len(texts)} texts but {len(languages)} languages")
    readable = set(model_languages)
    out: list[str] = []
    for text, language in zip(texts, languages, strict=True):
        gist = None if language in readable else english_gist(text, language)
        out.append(gist or text)
    return out


UNKNOWN = "und"
"""Language of a text detected with too little confidence: treated as readable by the model."""


def embedding_inputs(texts: Sequence[str], config: TextConfig | None = None,
                     languages: Sequence[str] | None = None,
                     confidences: Sequence[float] | None = None) -> tuple[list[str], list[str]]:
    """What to embed for each text, and each text's language (detected when not given).

    Short texts are often detected as another language with low confidence (0.4-0.7 for a few
    percent of CLINC150's English requests, 0.97+ for most real tickets in other languages), so a
    detection below ``config.min_language_confidence`` counts as ``und`` and the text is embedded
    as it is.

    Args:
        texts: Ticket texts.
        config: Text settings (model languages, glossary on or off, least confidence).
        languages: Known languages per text; None detects them (py3langid, offline).
        confidences: Confidence of each known language (None: trust them).

    Returns:
        Texts to embed (gists where the glossary applies) and languages, ``und`` where unsure or
        where no gist applied (such texts are embedded as they are and fitted on).
    """
    from topics.config import TextConfig
    from topics.language import detect_languages

    config = config or TextConfig()
    if languages is None:
        found = detect_languages(texts)
        languages, confidences = [d.language for d in found], [d.confidence for d in found]
    langs = list(languages)
    if confidences is not None:
        langs = [lang if conf >= config.min_language_confidence else UNKNOWN
                 for lang, conf in zip(langs, confidences, strict=True)]
    if not config.glossary:
        return list(texts), langs
    inputs = model_language_texts(texts, langs, config.model_languages)
    readable = set(config.model_languages)
    # a text embedded as it is, whatever its language label, is fitted on like a readable one
    return inputs, [lang if lang in readable or inp is not text else UNKNOWN
                    for lang, inp, text in zip(langs, inputs, texts, strict=True)]
