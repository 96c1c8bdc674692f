"""Demo directives and tasks: the seed documents' own, plus thousands of generated ones.

The seed documents are Vietnamese news reports (chinhphu.vn, VietTimes, Báo Điện Biên Phủ,
Nhịp đập khoa học) of:
- Resolution 155/NQ-CP (the Government's regular meeting of November 2021) and, reported in
  the same article, the Prime Minister's conclusions at the National Committee on Digital
  Transformation's first session (the Ministry of Public Security's decrees and databases);
- the Committee's second session (April 2022), its tasks per ministry, and the third session
  (8 August 2022) finding that of the 27 tasks set at the second session 15 were basically
  done and 12 still to finish;
- Directive 34/CT-TTg of 16 September 2024 (one breakthrough digital-transformation project
  per ministry, sector and province, due 15 October 2024; deadlines of 20 and 30 September).

Task contents quote the documents' wording. What they do not say is marked, not made up: a
document number or day the sources do not give is labelled illustrative in the summary, the
second-session tasks the sources do not list are "Nhiệm vụ số N …", and the statuses,
completion dates, progress reports and extensions are illustrative demo histories.

Tasks are created and moved through dxgov.directives.actions as the demo coordinator
(vpcp.dieuphoi) and the lead agency's demo officer. A completed task whose lead agency has no
demo officer (only the lead agency may mark a task done), and the generated tasks, are
inserted as rows already consistent with the pure status rules, under one audit event
(task.imported). Everything is one transaction; a directive that already exists is skipped
with its tasks, so loading again creates nothing.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import islice
from typing import Any

from django.db import transaction

from dxgov.accounts.models import User
from dxgov.audit.models import EventType
from dxgov.audit.record import Entry, record, record_many
from dxgov.core.roles import Role
from dxgov.demo import tasks as generate
from dxgov.demo.tasks import AgencyChoice, DirectivePlan, TaskPlan
from dxgov.directives import actions, rules
from dxgov.directives.models import Directive, DirectiveKind, Task, TaskStatus
from dxgov.orgunits.agencies import GOVERNMENT
from dxgov.orgunits.models import Agency, AgencyKind

COORDINATOR = "vpcp.dieuphoi"
IMPORT_NOTE = "generated demo data"
BATCH = 2000


class DemoNotReady(RuntimeError):
    """The reference data or the demo coordinator is missing: run `dxgov demo` first."""


@dataclass(frozen=True)
class Extension:
    asked_on: date
    requested: date
    reason: str
    approved: bool
    note: str = ""


@dataclass(frozen=True)
class SeedTask:
    lead: str
    content: str
    deadline: date | None = None
    coordinating: tuple[str, ...] = ()
    is_key: bool = False
    progress: tuple[tuple[int, str], ...] = ()
    extension: Extension | None = None
    completed_on: date | None = None
    confirmed: bool = True


@dataclass(frozen=True)
class SeedDirective:
    kind: str
    number: str
    issued_on: date
    issuing_agency: str
    title: str
    summary: str
    tasks: tuple[SeedTask, ...]


# --- Resolution 155/NQ-CP ----------------------------------------------------------------

NQ155 = "155/NQ-CP"
_ID_DECREE_EXTENSION = (
    "Thông báo kết luận Phiên họp thứ hai của Ủy ban Quốc gia về chuyển đổi số giao hoàn "
    "thiện dự thảo Nghị định về định danh và xác thực điện tử, trình Chính phủ ban hành "
    "trong tháng 5/2022."
)

RESOLUTION_155 = SeedDirective(
    kind=DirectiveKind.NGHI_QUYET,
    number=NQ155,
    issued_on=date(2021, 12, 1),
    issuing_agency=GOVERNMENT,
    title="Nghị quyết phiên họp Chính phủ thường kỳ tháng 11 năm 2021",
    summary=(
        "Thực hiện hiệu quả các giải pháp thúc đẩy chuyển đổi số. Nguồn: bài “Thực hiện hiệu "
        "quả các giải pháp thúc đẩy chuyển đổi số” (Nam Dương). Nguồn chỉ nêu “phiên họp "
        "Chính phủ thường kỳ tháng 11/2021”; ngày ban hành ghi ở đây là minh họa. Các nhiệm "
        "vụ của Bộ Công an về nghị định, đề án và kết nối cơ sở dữ liệu được bài viết nêu "
        "theo kết luận của Thủ tướng Chính phủ tại phiên họp lần thứ nhất của Ủy ban Quốc gia "
        "về chuyển đổi số. Trạng thái, ngày hoàn thành, báo cáo tiến độ là dữ liệu minh họa."
    ),
    tasks=(
        SeedTask(
            "BTTTT",
            "Chủ trì, phối hợp các cơ quan, địa phương chủ động nghiên cứu và thực hiện hiệu "
            "quả các giải pháp thúc đẩy chuyển đổi số, xây dựng Chính phủ điện tử, hướng tới "
            "Chính phủ số; trong đó phối hợp chặt chẽ với Ngân hàng Nhà nước Việt Nam, Bộ Tài "
            "chính để có các nhiệm vụ, giải pháp cụ thể triển khai mạnh mẽ chuyển đổi số trong "
            "các lĩnh vực hải quan, ngân hàng, thuế, chứng khoán, bảo hiểm.",
            coordinating=("NHNN", "BTC"),
        ),
        SeedTask(
            "BTTTT",
            "Chỉ đạo kịp thời đấu tranh phản bác, bóc gỡ thông tin xuyên tạc, kích động, sai sự "
            "thật, xử lý nghiêm các vi phạm; phối hợp chặt chẽ với cơ quan, địa phương liên "
            "quan chủ động cung cấp thông tin định hướng đúng đắn cho người dân.",
        ),
        SeedTask(
            "BCA",
            "Chủ động đấu tranh, ngăn chặn âm mưu chống phá của các thế lực thù địch, phản "
            "động; tích cực triển khai các giải pháp phòng, chống tội phạm, xử lý nghiêm các "
            "trường hợp vi phạm; xử lý kịp thời những tiềm ẩn phức tạp về an ninh, trật tự.",
            progress=((50, "Đang triển khai các giải pháp phòng, chống tội phạm."),),
        ),
        SeedTask(
            "BQP",
            "Chủ trì, phối hợp với các cơ quan, địa phương chủ động nghiên cứu, đánh giá, dự "
            "báo đúng tình hình, kịp thời tham mưu với Đảng, Nhà nước có chủ trương, đối sách "
            "xử lý hiệu quả các tình huống, không để bị động, bất ngờ. Nâng cao năng lực tác "
            "chiến không gian mạng.",
        ),
        SeedTask(
            "BTTTT",
            "Sớm hoàn thiện và lấy ý kiến các bộ, ngành, địa phương về Kế hoạch hoạt động của "
            "Ủy ban năm 2022 có trọng tâm, trọng điểm, mục tiêu rõ ràng, thực chất, hiệu quả.",
            completed_on=date(2022, 1, 28),
        ),
        SeedTask(
            "BCA",
            "Xây dựng trình Chính phủ ban hành Nghị định về bảo vệ dữ liệu cá nhân trong tháng "
            "12/2021.",
            deadline=date(2021, 12, 31),
            is_key=True,
            # Issued as Decree 13/2023/NĐ-CP on 17 April 2023: completed, late.
            completed_on=date(2023, 4, 17),
            progress=(
                (
                    70,
                    "Khẩn trương hoàn thiện dự thảo Nghị định về bảo vệ dữ liệu cá nhân, trình "
                    "cấp có thẩm quyền xem xét, ban hành.",
                ),
            ),
        ),
        SeedTask(
            "BCA",
            "Xây dựng trình Chính phủ ban hành Nghị định về định danh và xác thực điện tử "
            "trước tháng 5/2022.",
            deadline=date(2022, 4, 30),
            is_key=True,
            progress=(
                (
                    80,
                    "Chủ trì, phối hợp với các bộ, cơ quan liên quan hoàn thiện dự thảo Nghị "
                    "định về định danh và xác thực điện tử.",
                ),
            ),
            # Issued as Decree 59/2022/NĐ-CP on 5 September 2022: late even after the extension.
            completed_on=date(2022, 9, 5),
            extension=Extension(
                asked_on=date(2022, 4, 25),
                requested=date(2022, 5, 31),
                reason=_ID_DECREE_EXTENSION,
                approved=True,
                note="Đồng ý theo kết luận Phiên họp thứ hai của Ủy ban Quốc gia về chuyển đổi số.",
            ),
        ),
        SeedTask(
            "BCA",
            "Xây dựng trình Chính phủ ban hành Quy chế quản lý, vận hành, khai thác Cơ sở dữ "
            "liệu quốc gia về dân cư trước tháng 5/2022.",
            deadline=date(2022, 4, 30),
            completed_on=date(2022, 4, 28),
        ),
        SeedTask(
            "BCA",
            "Cùng với Văn phòng Chính phủ phối hợp với các Bộ: Thông tin và Truyền thông, Kế "
            "hoạch và Đầu tư, Tài chính và các cơ quan liên quan xây dựng Đề án đẩy mạnh ứng "
            "dụng Cơ sở dữ liệu quốc gia về dân cư phục vụ phát triển kinh tế - xã hội và "
            "chuyển đổi số quốc gia, hoàn thành và trình Thủ tướng Chính phủ phê duyệt để tổ "
            "chức triển khai thực hiện trong tháng 12/2021.",
            deadline=date(2021, 12, 31),
            coordinating=("VPCP", "BTTTT", "BKHDT", "BTC"),
            is_key=True,
            completed_on=date(2022, 1, 6),
        ),
        SeedTask(
            "BCA",
            "Thúc đẩy triển khai Quyết định 1911/QĐ-TTg ngày 15/11/2021; trước mắt, tập trung "
            "trong tháng 12/2021 tổ chức kết nối với cơ sở dữ liệu về thuế, hải quan, ngân "
            "hàng, giấy phép lái xe, bảo hiểm y tế để tích hợp thông tin vào thẻ căn cước công "
            "dân gắn chíp phục vụ tiện ích cho người dân.",
            deadline=date(2021, 12, 31),
            is_key=True,
            progress=((80, "Đã kết nối với một phần các cơ sở dữ liệu; đang hoàn thiện."),),
            completed_on=date(2022, 6, 30),
        ),
    ),
)

# --- National Committee on Digital Transformation, 2nd session --------------------------

# The conclusion notice's real number is not in the seeds; this stand-in is labelled "minh họa".
SESSION2 = "02/TB-UBQGCĐS"
SESSION2_TASKS = 27
SESSION2_DONE = 15

_SESSION2_NAMED: tuple[SeedTask, ...] = (
    SeedTask(
        "BTTTT",
        "Đề xuất thành lập bộ phận giúp việc của Ủy ban có hiệu quả nhưng không làm tăng thêm "
        "đầu mối về tổ chức, bộ máy, biên chế, từ đó hình thành tổ giúp việc ban chỉ đạo các "
        "cấp.",
        completed_on=date(2022, 6, 15),
    ),
    SeedTask(
        "BTTTT",
        "Hoàn thành đánh giá, công bố chính thức danh sách các nền tảng số đáp ứng yêu cầu "
        "phục vụ chuyển đổi số, phát triển Chính phủ số, kinh tế số, xã hội số.",
        completed_on=date(2022, 7, 20),
    ),
    SeedTask(
        "BTTTT",
        "Phối hợp với Bộ Kế hoạch và Đầu tư hoàn thành triển khai hệ thống phục vụ thống kê, "
        "theo dõi dự án đầu tư công cho chuyển đổi số, phát triển Chính phủ số, kinh tế số và "
        "xã hội số.",
        coordinating=("BKHDT",),
    ),
    SeedTask(
        "BTTTT",
        "Phối hợp với Đoàn Thanh niên Cộng sản Hồ Chí Minh và các cơ quan liên quan nghiên cứu "
        "việc triển khai Tổ công nghệ số cộng đồng.",
        completed_on=date(2022, 6, 30),
    ),
    SeedTask(
        "BTTTT",
        "Chủ trì, phối hợp với các bộ, ngành, địa phương thường xuyên tổ chức các lớp bồi "
        "dưỡng, tập huấn về chuyển đổi số cho cán bộ, công chức, viên chức trong các cơ quan "
        "nhà nước. Nâng cao chất lượng nhân lực làm công nghệ thông tin chuyên trách.",
    ),
    SeedTask(
        "BCA",
        "Khẩn trương hoàn thiện dự thảo Nghị định về bảo vệ dữ liệu cá nhân, trình cấp có "
        "thẩm quyền xem xét, ban hành.",
        is_key=True,
        progress=((70, "Đang hoàn thiện dự thảo Nghị định về bảo vệ dữ liệu cá nhân."),),
    ),
    SeedTask(
        "BCA",
        "Chủ trì, phối hợp với các bộ, cơ quan liên quan hoàn thiện dự thảo Nghị định về định "
        "danh và xác thực điện tử, trình Chính phủ ban hành trong tháng 5/2022.",
        deadline=date(2022, 5, 31),
        is_key=True,
        progress=((80, "Đang hoàn thiện dự thảo Nghị định về định danh và xác thực điện tử."),),
    ),
    SeedTask(
        "BCA",
        "Tiếp tục triển khai hiệu quả Đề án Phát triển ứng dụng dữ liệu về dân cư, định danh "
        "và xác thực điện tử. Hoàn thành việc kết nối, chia sẻ, xác thực thông tin công dân. "
        "Tiếp tục hoàn thiện và triển khai hiệu quả ứng dụng di động VNEID.",
        completed_on=date(2022, 7, 29),
    ),
    SeedTask(
        "VPCP",
        "Tập hợp, kiểm tra, theo dõi việc thực hiện các chương trình chung của Ủy ban; tiếp thu "
        "các ý kiến phát biểu, hoàn thiện tài liệu phiên họp.",
        completed_on=date(2022, 5, 20),
    ),
    SeedTask(
        "VPCP",
        "Tập trung, xây dựng, phát triển, đưa vào sử dụng Hệ thống thông tin phục vụ chỉ đạo, "
        "điều hành của Chính phủ, Thủ tướng Chính phủ theo thời gian thực, có các công cụ phân "
        "tích dữ liệu, dự báo hỗ trợ chỉ đạo, điều hành dựa trên dữ liệu số.",
    ),
    SeedTask(
        "BYT",
        "Chỉ đạo các bệnh viện, cơ sở y tế, cơ sở khám chữa bệnh sẵn sàng chấp nhận thanh toán "
        "viện phí, thanh toán các khoản chi phí khám chữa bệnh theo phương thức thanh toán "
        "không dùng tiền mặt.",
        completed_on=date(2022, 6, 30),
    ),
    SeedTask(
        "BGDDT",
        "Chỉ đạo các cơ sở đào tạo sẵn sàng chấp nhận thanh toán học phí theo phương thức "
        "thanh toán không dùng tiền mặt.",
        completed_on=date(2022, 6, 30),
    ),
    SeedTask(
        "BGDDT",
        "Chủ trì, phối hợp với Bộ Thông tin và Truyền thông, các bộ, ngành liên quan triển "
        'khai mô hình "Giáo dục đại học số", hoàn thành Đề án thí điểm trong quý 2/2022.',
        deadline=date(2022, 6, 30),
        coordinating=("BTTTT",),
        completed_on=date(2022, 7, 25),
    ),
    SeedTask(
        "BCT",
        "Chủ trì, phối hợp với Bộ Thông tin và Truyền thông, các địa phương thúc đẩy thương "
        "mại điện tử, thương mại số.",
        coordinating=("BTTTT",),
        completed_on=date(2022, 7, 15),
    ),
    SeedTask(
        "BNNPTNT",
        "Xây dựng cơ sở dữ liệu để người nông dân có thể khai thác trong nuôi, trồng, sử dụng "
        "đất đai có hiệu quả, có thị trường, có liên kết.",
    ),
    SeedTask(
        "BNV",
        "Chủ trì, phối hợp với Bộ Thông tin và Truyền thông và các bộ, ngành tham mưu đề xuất "
        "với Chính phủ, Thủ tướng Chính phủ về phương án đổi tên đơn vị chuyên trách về công "
        "nghệ thông tin của các bộ, cơ quan ngang bộ phù hợp, đúng với nội hàm chuyển đổi số.",
        coordinating=("BTTTT",),
    ),
    SeedTask(
        "BKHDT",
        "Thực hiện chuyển đổi số, thực hiện chức năng nhiệm vụ, trong đó nắm được tình hình "
        "đầu tư, phân tích được tính kịp thời, hiệu quả, đúng chủ trương của các dự án đầu tư.",
    ),
)

# The sources list 17 of the 27 tasks with their lead; the other ten are numbered only.
_UNNAMED_LEADS = ("BTTTT", "BCA", "VPCP", "BYT", "BGDDT", "BCT", "BNNPTNT", "BNV", "BKHDT", "BTTTT")
_UNNAMED_DONE = (
    date(2022, 5, 16),
    date(2022, 5, 31),
    date(2022, 6, 10),
    date(2022, 6, 24),
    date(2022, 7, 8),
    date(2022, 8, 5),
)


def _session2_tasks() -> tuple[SeedTask, ...]:
    unnamed = []
    for offset, lead in enumerate(_UNNAMED_LEADS):
        number = len(_SESSION2_NAMED) + offset + 1
        done = _UNNAMED_DONE[offset] if offset < len(_UNNAMED_DONE) else None
        unnamed.append(
            SeedTask(
                lead,
                f"Nhiệm vụ số {number} theo Thông báo kết luận Phiên họp thứ hai của Ủy ban "
                "Quốc gia về chuyển đổi số (nguồn không nêu nội dung chi tiết).",
                completed_on=done,
            )
        )
    return (*_SESSION2_NAMED, *unnamed)


SESSION2_CONCLUSIONS = SeedDirective(
    kind=DirectiveKind.THONG_BAO_KET_LUAN,
    number=SESSION2,
    issued_on=date(2022, 4, 22),
    issuing_agency="VPCP",
    title=(
        "Thông báo kết luận của Thủ tướng Chính phủ tại Phiên họp thứ hai của Ủy ban Quốc gia "
        "về chuyển đổi số"
    ),
    summary=(
        "Rõ người, rõ việc, rõ trách nhiệm. Tại Phiên họp thứ III (8/8/2022), Thủ tướng nêu: "
        "trong 27 nhiệm vụ giao cho các bộ, ngành, địa phương tại Phiên họp thứ 2 của Ủy ban "
        "Quốc gia về chuyển đổi số, có 15 nhiệm vụ cơ bản hoàn thành, 12 cần tiếp tục hoàn "
        "thành. Nguồn: chinhphu.vn; VietTimes. Nguồn không nêu số hiệu, ngày ban hành của "
        "văn bản (phiên họp diễn ra tháng 4/2022): số hiệu và ngày ghi ở đây là minh họa. "
        "Ngoài 17 nhiệm vụ nêu trong nguồn, còn giao các bộ, ngành, địa phương ban hành hoặc "
        "cập nhật kế hoạch hành động đến năm 2025; tích hợp, cung cấp dịch vụ công trực tuyến "
        "theo Quyết định số 422/QĐ-TTg ngày 04/4/2022; số hóa hồ sơ, kết quả giải quyết thủ "
        "tục hành chính từ ngày 01/6/2022."
    ),
    tasks=_session2_tasks(),
)

# --- Directive 34/CT-TTg -----------------------------------------------------------------

CT34 = "34/CT-TTg"
CT34_ISSUED = date(2024, 9, 16)
CT34_BREAKTHROUGH_DEADLINE = date(2024, 10, 15)
BREAKTHROUGH = (
    "Căn cứ vào phương pháp tiếp cận và bài học kinh nghiệm triển khai thành công Đề án 06, "
    "nghiên cứu tìm ra mũi đột phá, xây dựng một đề án về chuyển đổi số có tính chất tương tự "
    "như Đề án 06 và bảo đảm kết nối với Đề án 06; trường hợp đã có chương trình/dự án/đề án "
    "về chuyển đổi số mang tính đột phá, cần thuyết minh và xác định rõ mũi đột phá và tính "
    "khả thi để tập trung thực hiện xong từ nay đến hết năm 2025."
)

_CT34_FIXED: tuple[SeedTask, ...] = (
    SeedTask(
        "BCA",
        "Xây dựng, hoàn thiện tài liệu tổng hợp bài học kinh nghiệm, cách làm từ Đề án 06, "
        "phổ biến cho các bộ, ngành, địa phương để tham khảo.",
        deadline=date(2024, 9, 20),
        is_key=True,
        completed_on=date(2024, 9, 19),
    ),
    SeedTask(
        "BTTTT",
        "Công bố mô hình thành phần hạ tầng chuyển đổi số, trong đó xác định rõ trách nhiệm, "
        "cơ quan chủ trì.",
        deadline=date(2024, 9, 30),
        is_key=True,
        completed_on=date(2024, 9, 30),
    ),
    SeedTask(
        "BTTTT",
        "Tổng hợp kết quả triển khai của các bộ, ngành, địa phương tại báo cáo định kỳ về "
        "chuyển đổi số, kịp thời tham mưu Thủ tướng Chính phủ chỉ đạo triển khai phù hợp với "
        "tình hình thực tế.",
    ),
    SeedTask(
        "BTC",
        "Chủ trì tổng hợp, bố trí kinh phí sự nghiệp từ ngân sách nhà nước hàng năm để thực "
        "hiện các chương trình, nhiệm vụ, dự án thuộc đề án trên cơ sở đề xuất của các bộ, "
        "ngành, địa phương và khả năng cân đối của ngân sách theo quy định.",
    ),
)

# Illustrative histories for the agencies that have demo officers.
_CT34_SCRIPTED: dict[str, SeedTask] = {
    "BCA": SeedTask(
        "BCA",
        BREAKTHROUGH,
        deadline=CT34_BREAKTHROUGH_DEADLINE,
        is_key=True,
        progress=((50, "Đã xác định mũi đột phá; đang hoàn thiện dự thảo đề án."),),
        completed_on=date(2024, 10, 10),
    ),
    "UBND-T25": SeedTask(
        "UBND-T25",
        BREAKTHROUGH,
        deadline=CT34_BREAKTHROUGH_DEADLINE,
        is_key=True,
        progress=((70, "Đang lấy ý kiến các sở, ngành về dự thảo đề án."),),
        extension=Extension(
            asked_on=date(2024, 10, 10),
            requested=date(2024, 11, 15),
            reason="Cần thêm thời gian lấy ý kiến các sở, ngành và hoàn thiện thuyết minh "
            "mũi đột phá.",
            approved=True,
            note="Đồng ý gia hạn; đề nghị hoàn thành đúng thời hạn mới.",
        ),
        completed_on=date(2024, 11, 12),
    ),
    "UBND-T11": SeedTask(
        "UBND-T11",
        BREAKTHROUGH,
        deadline=CT34_BREAKTHROUGH_DEADLINE,
        is_key=True,
        progress=((60, "Đang xây dựng dự thảo đề án."),),
        extension=Extension(
            asked_on=date(2024, 10, 12),
            requested=date(2024, 12, 31),
            reason="Cần thêm thời gian khảo sát hiện trạng hạ tầng số trên địa bàn.",
            approved=False,
            note="Chỉ thị yêu cầu hoàn thành trước ngày 15/10/2024; đề nghị khẩn trương "
            "hoàn thành.",
        ),
    ),
    "UBND-T79": SeedTask(
        "UBND-T79",
        BREAKTHROUGH,
        deadline=CT34_BREAKTHROUGH_DEADLINE,
        is_key=True,
        completed_on=date(2024, 10, 14),
        confirmed=False,
    ),
}


def _breakthrough_task(code: str) -> SeedTask:
    """One breakthrough-project task; a fixed illustrative outcome drawn from the code."""
    if code in _CT34_SCRIPTED:
        return _CT34_SCRIPTED[code]
    rng = random.Random(f"{CT34}/{code}")
    draw = rng.random()
    completed: date | None = None
    if draw < 0.62:
        completed = date(2024, 9, 25 + rng.randint(0, 5))  # 25–30 Sep
        if rng.random() < 0.6:
            completed = date(2024, 10, rng.randint(1, 15))
    elif draw < 0.87:
        completed = date(2024, 10, 16) if rng.random() < 0.2 else date(2024, 11, rng.randint(1, 30))
    return SeedTask(
        code, BREAKTHROUGH, deadline=CT34_BREAKTHROUGH_DEADLINE, is_key=True, completed_on=completed
    )


def _directive_34(ministries: Sequence[str], provinces: Sequence[str]) -> SeedDirective:
    tasks = [*_CT34_FIXED]
    tasks.extend(_breakthrough_task(code) for code in [*ministries, *provinces])
    return SeedDirective(
        kind=DirectiveKind.CHI_THI,
        number=CT34,
        issued_on=CT34_ISSUED,
        issuing_agency=GOVERNMENT,
        title="Chỉ thị về việc xây dựng đề án chuyển đổi số của các bộ, ngành, địa phương",
        summary=(
            "Mỗi bộ, ngành, địa phương tìm ra “mũi đột phá” để xây dựng đề án chuyển đổi số. "
            "Nguồn: Nhịp đập khoa học (16/09/2024). Thời hạn: Bộ Công an trước ngày 20/9; Bộ "
            "Thông tin và Truyền thông trước ngày 30/9; đề án của các bộ, ngành, địa phương "
            "trước ngày 15/10/2024. Nhiệm vụ giao cho các bộ và Ủy ban nhân dân cấp tỉnh hiện "
            "hành; trạng thái và ngày hoàn thành là dữ liệu minh họa."
        ),
        tasks=tuple(tasks),
    )


# --- loading -----------------------------------------------------------------------------


def current_ministries() -> list[str]:
    return list(
        Agency.objects.current()
        .filter(kind=AgencyKind.MINISTRY)
        .order_by("code")
        .values_list("code", flat=True)
    )


def current_provinces() -> list[str]:
    return list(
        Agency.objects.current()
        .filter(kind=AgencyKind.PEOPLE_COMMITTEE, parent__code=GOVERNMENT)
        .order_by("code")
        .values_list("code", flat=True)
    )


def agency_pool() -> list[AgencyChoice]:
    """Ministries, provincial People's Committees (current and former) and some departments."""
    pool: list[AgencyChoice] = []
    rows = (
        Agency.objects.filter(kind__in=[AgencyKind.MINISTRY, AgencyKind.PEOPLE_COMMITTEE])
        .filter(parent__code=GOVERNMENT)
        .order_by("code")
        .values_list("code", "kind", "valid_from", "valid_to")
    )
    for code, kind, valid_from, valid_to in rows:
        group = "ministry" if kind == AgencyKind.MINISTRY else "province"
        pool.append(AgencyChoice(code, group, valid_from, valid_to))
    departments = (
        Agency.objects.current()
        .filter(kind=AgencyKind.DEPARTMENT)
        .filter(code__regex=r"-(KHCN|TC|NV)$")
        .order_by("code")
        .values_list("code", "valid_from", "valid_to")
    )
    for code, valid_from, valid_to in departments:
        pool.append(AgencyChoice(code, "department", valid_from, valid_to))
    return pool


def _check_plan(plan: TaskPlan, today: date) -> None:
    """Refuse a row the status rules would not produce (a bug in the generator)."""
    status = rules.Status(plan.status)
    if plan.original_deadline and plan.deadline and plan.original_deadline > plan.deadline:
        raise ValueError(f"original deadline after deadline: {plan}")
    if status in rules.DONE:
        expected = rules.status_on(plan.deadline, today, plan.completed_on, plan.original_deadline)
        ok = plan.completed_on is not None and expected == status
    elif status == rules.Status.AWAITING_CONFIRMATION:
        ok = plan.completed_on is not None
    else:
        ok = plan.completed_on is None and status == rules.status_on(plan.deadline, today)
    if not ok or (plan.completed_on is not None and plan.completed_on > today):
        raise ValueError(f"inconsistent generated task: {plan}")


class _Loader:
    def __init__(self, today: date, coordinator: User) -> None:
        self.today = today
        self.coordinator = coordinator
        self._agencies: dict[str, Agency] = {}
        self._ids: dict[str, int] = {}
        self._lead_users: dict[str, User | None] = {}
        self.counts: Counter[str] = Counter()
        self.imported: Counter[str] = Counter()
        self.imported_ids: list[int] = []

    # lookups

    def agency(self, code: str) -> Agency:
        if code not in self._agencies:
            self._agencies[code] = Agency.objects.get(code=code)
        return self._agencies[code]

    def agency_id(self, code: str) -> int:
        if code not in self._ids:
            self._ids[code] = self.agency(code).pk
        return self._ids[code]

    def preload_ids(self, codes: Iterable[str]) -> None:
        wanted = set(codes) - set(self._ids)
        if wanted:
            rows = Agency.objects.filter(code__in=wanted).values_list("code", "pk")
            self._ids.update(dict(rows))

    def lead_user(self, code: str) -> User | None:
        """The lead agency's demo officer (or leader), if it has one."""
        if code not in self._lead_users:
            self._lead_users[code] = (
                User.objects.filter(
                    agency__code=code, role__in=[Role.OFFICER, Role.LEADER], is_active=True
                )
                .order_by("username")
                .first()
            )
        return self._lead_users[code]

    # directives

    def new_directive(
        self, *, kind: str, number: str, issued_on: date, issuing: str, title: str, summary: str
    ) -> Directive | None:
        """The directive, created; None when one with that number already exists."""
        if Directive.objects.filter(number=number).exists():
            self.counts["directives_skipped"] += 1
            return None
        directive = actions.create_directive(
            acting_user=self.coordinator,
            kind=kind,
            number=number,
            issued_on=issued_on,
            issuing_agency=self.agency(issuing),
            title=title,
            summary=summary,
        )
        self.counts["directives"] += 1
        return directive

    def load_seed(self, spec: SeedDirective) -> None:
        directive = self.new_directive(
            kind=spec.kind,
            number=spec.number,
            issued_on=spec.issued_on,
            issuing=spec.issuing_agency,
            title=spec.title,
            summary=spec.summary,
        )
        if directive is None:
            return
        for task in spec.tasks:
            self.seed_task(directive, task)

    # tasks

    def seed_task(self, directive: Directive, spec: SeedTask) -> None:
        user = self.lead_user(spec.lead)
        if user is None and spec.completed_on is not None:
            # Only the lead agency can mark a task done: without a demo officer, a completed
            # task is inserted as it stands, under the import event.
            completed = spec.completed_on
            plan = TaskPlan(
                directive_number=directive.number,
                content=spec.content,
                lead=spec.lead,
                coordinating=spec.coordinating,
                original_deadline=spec.deadline,
                deadline=spec.deadline,
                status=rules.status_on(spec.deadline, self.today, completed, spec.deadline),
                completed_on=completed,
                progress_percent=100,
                is_key=spec.is_key,
            )
            self.insert([plan], {directive.number: directive.pk})
            return
        if user is None and (spec.progress or spec.extension):
            raise ValueError(f"{spec.lead} has no demo officer to report on: {spec.content}")
        task = actions.create_task(
            acting_user=self.coordinator,
            directive=directive,
            content=spec.content,
            lead_agency=self.agency(spec.lead),
            deadline=spec.deadline,
            coordinating_agencies=[self.agency(code) for code in spec.coordinating],
            is_key=spec.is_key,
            today=self.today,
        )
        self.counts["tasks"] += 1
        if user is None:
            return
        for percent, narrative in spec.progress:
            actions.report_progress(
                acting_user=user, task=task, percent=percent, narrative=narrative
            )
        if spec.extension is not None:
            ext = spec.extension
            request = actions.request_extension(
                acting_user=user,
                task=task,
                requested_deadline=ext.requested,
                reason=ext.reason,
                today=ext.asked_on,
            )
            actions.decide_extension(
                acting_user=self.coordinator,
                extension=request,
                approve=ext.approved,
                note=ext.note,
                today=self.today,
            )
        if spec.completed_on is not None:
            actions.mark_task_done(
                acting_user=user, task=task, completed_on=spec.completed_on, today=self.today
            )
            if spec.confirmed:
                actions.confirm_task(acting_user=self.coordinator, task=task)

    def insert(self, plans: Sequence[TaskPlan], directive_ids: dict[str, int]) -> int:
        """Insert consistent task rows (and their coordinating agencies); counted for the
        import event."""
        self.preload_ids({p.lead for p in plans} | {c for p in plans for c in p.coordinating})
        rows = []
        for plan in plans:
            _check_plan(plan, self.today)
            rows.append(
                Task(
                    directive_id=directive_ids[plan.directive_number],
                    content=plan.content,
                    lead_agency_id=self.agency_id(plan.lead),
                    original_deadline=plan.original_deadline,
                    deadline=plan.deadline,
                    expected_result=plan.expected_result,
                    is_key=plan.is_key,
                    status=TaskStatus(plan.status.value),
                    progress_percent=plan.progress_percent,
                    completed_on=plan.completed_on,
                    # In bulk, without save(): the search column as save() would set it.
                    search_text=Task.search_text_of(
                        plan.directive_number, plan.content, plan.expected_result
                    ),
                )
            )
        created = Task.objects.bulk_create(rows, batch_size=500)
        through = Task.coordinating_agencies.through
        links = [
            through(task_id=task.pk, agency_id=self.agency_id(code))
            for task, plan in zip(created, plans, strict=True)
            for code in plan.coordinating
        ]
        through.objects.bulk_create(links, batch_size=1000)
        for plan in plans:
            self.imported[plan.directive_number] += 1
        self.imported_ids.extend(task.pk for task in created)
        return len(created)

    def record_import(self, **extra: Any) -> None:
        total = sum(self.imported.values())
        if not total:
            return
        record(
            event_type=EventType.TASKS_IMPORTED,
            acting_user=self.coordinator,
            target_type="directives.task",
            agency_id=self.coordinator.agency_id,
            data={
                "count": total,
                "by_directive": dict(sorted(self.imported.items())),
                "note": IMPORT_NOTE,
                **extra,
            },
            reason=IMPORT_NOTE,
        )
        # And one per task, carrying its state, so that the ledger covers the rows inserted
        # here as it covers those the actions write (`dxgov audit verify --state`).
        record_many(
            acting_user=self.coordinator,
            entries=[
                Entry(
                    EventType.TASK_HISTORY_IMPORTED,
                    "directives.task",
                    str(pk),
                    reason=IMPORT_NOTE,
                )
                for pk in self.imported_ids
            ],
        )
        self.counts["tasks_imported"] += total
        self.imported.clear()
        self.imported_ids.clear()

    def create_generated_directives(self, plans: Sequence[DirectivePlan]) -> dict[str, int]:
        """Create the planned directives; returns number → id for the ones created now."""
        ids: dict[str, int] = {}
        for plan in plans:
            issuing = "VPCP" if plan.kind == DirectiveKind.THONG_BAO_KET_LUAN else GOVERNMENT
            directive = self.new_directive(
                kind=plan.kind,
                number=plan.number,
                issued_on=plan.issued_on,
                issuing=issuing,
                title=plan.title,
                summary="Văn bản minh họa do dxgov tạo tự động để trình diễn; không phải văn bản "
                "thật.",
            )
            if directive is not None:
                ids[plan.number] = directive.pk
        return ids


def _coordinator() -> User:
    user = User.objects.select_related("agency").filter(username=COORDINATOR).first()
    if user is None:
        raise DemoNotReady(
            f"the demo coordinator {COORDINATOR!r} is missing: run `dxgov demo` first"
        )
    return user


def _chunks(items: Iterator[TaskPlan], size: int) -> Iterator[list[TaskPlan]]:
    while chunk := list(islice(items, size)):
        yield chunk


@transaction.atomic
def load_directive_demo(*, today: date, generated: int = 3000, seed: int = 2025) -> dict[str, int]:
    """Load the seed directives and `generated` deterministic tasks; idempotent.

    Returns counts: directives created and skipped (already there), tasks created through the
    actions, tasks imported as rows.
    """
    loader = _Loader(today, _coordinator())
    ministries, provinces = current_ministries(), current_provinces()
    for spec in (RESOLUTION_155, SESSION2_CONCLUSIONS, _directive_34(ministries, provinces)):
        loader.load_seed(spec)
    rng = random.Random(seed)
    directive_plans = generate.plan_directives(rng, generate.directive_count(generated), today)
    ids = loader.create_generated_directives(directive_plans)
    pool = agency_pool()
    plans = generate.plan_tasks(rng, generated, directive_plans, pool, today)
    for chunk in _chunks(plans, BATCH):
        loader.insert([plan for plan in chunk if plan.directive_number in ids], ids)
    loader.record_import(seed=seed, generated=generated)
    return {
        "directives": loader.counts["directives"],
        "directives_skipped": loader.counts["directives_skipped"],
        "tasks": loader.counts["tasks"],
        "tasks_imported": loader.counts["tasks_imported"],
    }


def generate_tasks(
    *, count: int, seed: int, today: date, batch: int = BATCH, per_directive: int = 500
) -> Iterator[int]:
    """Add `count` generated tasks under new directives (fresh numbers), batch by batch.

    Each batch is its own transaction with one import event; yields the running total, so a
    caller can report progress. Memory stays bounded by the batch size.
    """
    coordinator = _coordinator()
    rng = random.Random(seed)
    taken = set(Directive.objects.values_list("number", flat=True))
    n_directives = max(1, -(-count // per_directive)) if count > 0 else 0
    directive_plans = generate.plan_directives(rng, n_directives, today, taken)
    with transaction.atomic():
        loader = _Loader(today, coordinator)
        ids = loader.create_generated_directives(directive_plans)
    pool = agency_pool()
    plans = generate.plan_tasks(rng, count, directive_plans, pool, today)
    total = 0
    for chunk in _chunks(plans, batch):
        with transaction.atomic():
            loader = _Loader(today, coordinator)
            total += loader.insert(chunk, ids)
            loader.record_import(seed=seed, generated=count)
        yield total
