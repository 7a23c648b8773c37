#include "reports/html_i18n.hpp"

#include <algorithm>
#include <array>

namespace conformscan::reports {

namespace {

// One row per key: en, fr, es, ar, ru, zh (the order of html_languages()).
// X.805 terms follow the Recommendation's published translations where they
// exist (e.g. ru "плоскость административного управления" for the
// management plane, zh "抗抵赖" for non-repudiation).
struct Row {
    std::string_view key;
    std::array<std::string_view, 6> text;
};

constexpr Row kTable[] = {
    {"report_title", {"Security conformance report", "Rapport de conformité de sécurité",
                      "Informe de conformidad de seguridad", "تقرير المطابقة الأمنية",
                      "Отчёт о соответствии требованиям безопасности", "安全合规性报告"}},
    {"contents", {"Contents", "Sommaire", "Índice", "المحتويات", "Содержание", "目录"}},
    {"cover", {"Scan", "Analyse", "Análisis", "الفحص", "Сканирование", "扫描"}},
    {"operator", {"Operator", "Opérateur", "Operador", "المشغّل", "Оператор", "运营者"}},
    {"scope", {"Scope", "Périmètre", "Alcance", "النطاق", "Область проверки", "范围"}},
    {"scan_window", {"Scan window", "Fenêtre d'analyse", "Ventana de análisis", "فترة الفحص",
                     "Период сканирования", "扫描时段"}},
    {"as_of", {"Judged as of", "Évalué à la date du", "Evaluado a fecha de", "التقييم بتاريخ", "Оценено на дату",
               "评估基准时间"}},
    {"scan_id", {"Scan identifier", "Identifiant de l'analyse", "Identificador del análisis", "معرّف الفحص",
                 "Идентификатор сканирования", "扫描标识"}},
    {"mode", {"Mode", "Mode", "Modo", "الوضع", "Режим", "模式"}},
    {"mode_scan", {"scan (observed live)", "analyse (observation directe)", "análisis (observación directa)",
                   "فحص (رصد مباشر)", "сканирование (прямое наблюдение)", "扫描（实时观测）"}},
    {"mode_evaluate", {"evaluation of saved facts", "évaluation de faits enregistrés",
                       "evaluación de hechos guardados", "تقييم حقائق محفوظة", "оценка сохранённых фактов",
                       "对已保存事实的评估"}},
    {"source_report", {"Facts from report", "Faits issus du rapport", "Hechos del informe",
                       "الحقائق مأخوذة من التقرير", "Факты из отчёта", "事实来源报告"}},
    {"tool", {"Tool", "Outil", "Herramienta", "الأداة", "Инструмент", "工具"}},
    {"signature", {"Signature", "Signature", "Firma", "التوقيع", "Подпись", "签名"}},
    {"signature_unknown", {"not checked when this page was made", "non vérifiée lors de la création de cette page",
                           "no verificada al generar esta página", "لم يُتحقَّق منه عند إنشاء هذه الصفحة",
                           "не проверялась при создании этой страницы", "生成本页时未验证"}},
    {"profiles", {"Profiles", "Profils", "Perfiles", "ملفات التعريف", "Профили", "配置文件"}},
    {"profile", {"Profile", "Profil", "Perfil", "ملف التعريف", "Профиль", "配置文件"}},
    {"version", {"Version", "Version", "Versión", "الإصدار", "Версия", "版本"}},
    {"tailoring", {"Tailoring", "Adaptation", "Adaptación", "التكييف", "Адаптация", "裁剪"}},
    {"derived_from", {"Derived from", "Dérivé de", "Derivado de", "مشتق من", "Основан на", "依据文件"}},
    {"rules_count", {"Rules", "Règles", "Reglas", "القواعد", "Правила", "规则数"}},
    {"summary", {"Executive summary", "Synthèse", "Resumen ejecutivo", "الملخص التنفيذي",
                 "Резюме для руководства", "执行摘要"}},
    {"score_with", {"Conformance (waivers counted as met)", "Conformité (dérogations comptées comme satisfaites)",
                    "Conformidad (excepciones contadas como cumplidas)", "المطابقة (مع احتساب الإعفاءات مستوفاة)",
                    "Соответствие (исключения засчитаны как выполненные)", "合规率（豁免计为满足）"}},
    {"score_without", {"Conformance without waivers", "Conformité sans dérogations", "Conformidad sin excepciones",
                       "المطابقة دون الإعفاءات", "Соответствие без исключений", "不计豁免的合规率"}},
    {"score_note", {"Conformance is passed results over judged results (passed, failed, waived); results that could "
                    "not be observed and rules that do not apply are not judged.",
                    "La conformité rapporte les résultats conformes aux résultats jugés (conformes, non conformes, en "
                    "dérogation) ; les résultats non observés et les règles sans objet ne sont pas jugés.",
                    "La conformidad es la proporción de resultados conformes entre los juzgados (conformes, no "
                    "conformes, exceptuados); los resultados no observados y las reglas no aplicables no se juzgan.",
                    "المطابقة هي نسبة النتائج الناجحة إلى النتائج المُقيَّمة (الناجحة والراسبة والمعفاة)؛ ولا تُقيَّم "
                    "النتائج التي تعذّر رصدها ولا القواعد غير المنطبقة.",
                    "Соответствие — доля соответствующих результатов среди оценённых (соответствует, не "
                    "соответствует, исключение); ненаблюдавшиеся результаты и неприменимые правила не оцениваются.",
                    "合规率为通过的结果占已评判结果（通过、未通过、已豁免）的比例；未能观测的结果和不适用的规则不参与评判。"}},
    {"results", {"Results", "Résultats", "Resultados", "النتائج", "Результаты", "结果"}},
    {"targets", {"Targets", "Cibles", "Objetivos", "الأهداف", "Цели", "目标"}},
    {"incomplete_targets", {"Targets not fully observed", "Cibles incomplètement observées",
                            "Objetivos no observados por completo", "أهداف لم تُرصد بالكامل",
                            "Цели, обследованные не полностью", "未完全观测的目标"}},
    {"failures_by_severity", {"Failures by severity", "Non-conformités par gravité", "Fallos por gravedad",
                              "الإخفاقات حسب الخطورة", "Несоответствия по степени серьёзности",
                              "按严重程度统计的不合规项"}},
    {"total", {"Total", "Total", "Total", "المجموع", "Всего", "合计"}},
    {"status", {"Status", "Statut", "Estado", "الحالة", "Статус", "状态"}},
    {"severity", {"Severity", "Gravité", "Gravedad", "الخطورة", "Серьёзность", "严重程度"}},
    {"rule", {"Rule", "Règle", "Regla", "القاعدة", "Правило", "规则"}},
    {"title", {"Title", "Intitulé", "Título", "العنوان", "Название", "标题"}},
    {"st_pass", {"passed", "conforme", "conforme", "ناجح", "соответствует", "通过"}},
    {"st_fail", {"failed", "non conforme", "no conforme", "راسب", "не соответствует", "未通过"}},
    {"st_error", {"error", "erreur", "error", "خطأ", "ошибка", "错误"}},
    {"st_not_applicable", {"not applicable", "sans objet", "no aplicable", "غير منطبق", "неприменимо", "不适用"}},
    {"st_waived", {"waived", "en dérogation", "exceptuado", "معفى", "исключение", "已豁免"}},
    {"sev_critical", {"critical", "critique", "crítica", "حرجة", "критическая", "严重"}},
    {"sev_high", {"high", "élevée", "alta", "عالية", "высокая", "高"}},
    {"sev_medium", {"medium", "moyenne", "media", "متوسطة", "средняя", "中"}},
    {"sev_low", {"low", "faible", "baja", "منخفضة", "низкая", "低"}},
    {"sev_info", {"information", "information", "información", "معلومات", "информационная", "信息"}},
    {"matrix", {"X.805 security dimensions × planes", "Dimensions de sécurité × plans (X.805)",
                "Dimensiones de seguridad × planos (X.805)", "أبعاد الأمن × المستويات (X.805)",
                "Измерения безопасности × плоскости (X.805)", "X.805 安全维度 × 平面"}},
    {"matrix_note", {"Each cell: results passed / failed. Rules that name no dimension or plane are counted under “—”.",
                     "Chaque case : résultats conformes / non conformes. Les règles sans dimension ni plan sont "
                     "comptées sous « — ».",
                     "Cada celda: resultados conformes / no conformes. Las reglas sin dimensión o plano se cuentan "
                     "bajo «—».",
                     "كل خانة: النتائج الناجحة / الراسبة. القواعد التي لا تذكر بُعدًا أو مستوى تُحتسب تحت «—».",
                     "В каждой ячейке: результаты «соответствует» / «не соответствует». Правила без измерения или "
                     "плоскости учтены в графе «—».",
                     "每格：通过 / 未通过的结果数。未指定维度或平面的规则计入“—”。"}},
    {"dimension", {"Dimension", "Dimension", "Dimensión", "البُعد", "Измерение", "维度"}},
    {"plane", {"Plane", "Plan", "Plano", "المستوى", "Плоскость", "平面"}},
    {"dim_access-control", {"Access control", "Contrôle d'accès", "Control de acceso", "التحكم في النفاذ",
                            "Управление доступом", "访问控制"}},
    {"dim_authentication", {"Authentication", "Authentification", "Autenticación", "الاستيقان", "Аутентификация",
                            "认证"}},
    {"dim_non-repudiation", {"Non-repudiation", "Non-répudiation", "No repudio", "عدم الإنكار", "Неотказуемость",
                             "抗抵赖"}},
    {"dim_data-confidentiality", {"Data confidentiality", "Confidentialité des données",
                                  "Confidencialidad de los datos", "سرية البيانات", "Конфиденциальность данных",
                                  "数据保密性"}},
    {"dim_communication-security", {"Communication security", "Sécurité des communications",
                                    "Seguridad de la comunicación", "أمن الاتصالات", "Безопасность связи",
                                    "通信安全"}},
    {"dim_data-integrity", {"Data integrity", "Intégrité des données", "Integridad de los datos", "سلامة البيانات",
                            "Целостность данных", "数据完整性"}},
    {"dim_availability", {"Availability", "Disponibilité", "Disponibilidad", "التوافر", "Доступность", "可用性"}},
    {"dim_privacy", {"Privacy", "Respect de la vie privée", "Privacidad", "الخصوصية", "Приватность", "隐私"}},
    {"plane_management", {"Management plane", "Plan de gestion", "Plano de gestión", "مستوى الإدارة",
                          "Плоскость административного управления", "管理平面"}},
    {"plane_control", {"Control plane", "Plan de commande", "Plano de control", "مستوى التحكم",
                       "Плоскость управления", "控制平面"}},
    {"plane_end-user", {"End-user plane", "Plan usager", "Plano de usuario final", "مستوى المستعمل النهائي",
                        "Плоскость конечного пользователя", "最终用户平面"}},
    {"coverage", {"Coverage by clause", "Couverture par article", "Cobertura por cláusula", "التغطية حسب البند",
                  "Покрытие по пунктам", "按条款的覆盖情况"}},
    {"document", {"Document", "Document", "Documento", "الوثيقة", "Документ", "文件"}},
    {"clause", {"Clause", "Article", "Cláusula", "البند", "Пункт", "条款"}},
    {"not_checked", {"not checked", "non vérifié", "no comprobado", "غير مفحوص", "не проверялось", "未检查"}},
    {"catalogue_note", {"Clauses marked “not checked” are listed in the document's clause catalogue, but no result of "
                        "this report cites them.",
                        "Les articles marqués « non vérifié » figurent au catalogue des articles du document, mais "
                        "aucun résultat de ce rapport ne les cite.",
                        "Las cláusulas marcadas «no comprobado» figuran en el catálogo de cláusulas del documento, "
                        "pero ningún resultado de este informe las cita.",
                        "البنود الموسومة «غير مفحوص» واردة في فهرس بنود الوثيقة، لكن لا توجد نتيجة في هذا التقرير "
                        "تستشهد بها.",
                        "Пункты с отметкой «не проверялось» есть в перечне пунктов документа, но ни один результат "
                        "этого отчёта на них не ссылается.",
                        "标为“未检查”的条款列于该文件的条款目录中，但本报告没有任何结果引用它们。"}},
    {"no_catalogue", {"No clause catalogue of this document was available: only the clauses the results cite are "
                      "listed, and clauses that no rule checks cannot be shown.",
                      "Aucun catalogue des articles de ce document n'était disponible : seuls les articles cités "
                      "par les résultats figurent ici, et les articles qu'aucune règle ne vérifie ne peuvent être "
                      "indiqués.",
                      "No había catálogo de cláusulas de este documento: solo se listan las cláusulas que citan los "
                      "resultados, y no pueden mostrarse las cláusulas que ninguna regla comprueba.",
                      "لم يتوفر فهرس لبنود هذه الوثيقة: تُدرج فقط البنود التي تستشهد بها النتائج، ولا يمكن إظهار "
                      "البنود التي لا تفحصها أي قاعدة.",
                      "Перечня пунктов этого документа не было: показаны только пункты, на которые ссылаются "
                      "результаты; пункты, которые не проверяет ни одно правило, показать нельзя.",
                      "没有该文件的条款目录：仅列出结果所引用的条款，无法显示没有任何规则检查的条款。"}},
    {"per_target", {"Results per target", "Résultats par cible", "Resultados por objetivo", "النتائج حسب الهدف",
                    "Результаты по целям", "各目标结果"}},
    {"service", {"Service", "Service", "Servicio", "الخدمة", "Служба", "服务"}},
    {"tags", {"Tags", "Étiquettes", "Etiquetas", "الوسوم", "Метки", "标签"}},
    {"software_found", {"Software found", "Logiciel détecté", "Software detectado", "البرمجيات المكتشفة",
                        "Обнаруженное ПО", "检测到的软件"}},
    {"software_none", {"not identified", "non identifié", "no identificado", "لم يُحدَّد", "не определено",
                       "未识别"}},
    {"finding", {"Finding", "Constat", "Hallazgo", "النتيجة", "Вывод", "发现"}},
    {"references", {"References", "Références", "Referencias", "المراجع", "Ссылки", "参考依据"}},
    {"clause_unverified", {"clause number unverified", "numéro d'article non vérifié",
                           "número de cláusula no verificado", "رقم البند غير متحقَّق منه", "номер пункта не проверен",
                           "条款编号未核实"}},
    {"evidence", {"Evidence", "Éléments probants", "Evidencia", "الأدلة", "Доказательства", "证据"}},
    {"observed", {"Observed", "Observé", "Observado", "المرصود", "Наблюдалось", "观测值"}},
    {"expected", {"Expected", "Attendu", "Esperado", "المتوقع", "Ожидалось", "期望值"}},
    {"guideline", {"How to fix", "Comment corriger", "Cómo corregir", "طريقة الإصلاح", "Как исправить", "修复方法"}},
    {"matches_software", {"matches the software found", "correspond au logiciel détecté",
                          "corresponde al software detectado", "يطابق البرمجيات المكتشفة",
                          "соответствует обнаруженному ПО", "与检测到的软件相符"}},
    {"waived_by", {"Waived by", "Dérogation", "Exceptuado por", "مُعفى بموجب", "Исключение", "豁免依据"}},
    {"real_status", {"real status", "statut réel", "estado real", "الحالة الفعلية", "фактический статус", "实际状态"}},
    {"expired_waiver_note", {"an expired waiver no longer applies", "une dérogation expirée ne s'applique plus",
                             "una excepción vencida ya no se aplica", "إعفاء منتهي الصلاحية لم يعد ساريًا",
                             "истёкшее исключение больше не действует", "已过期的豁免不再适用"}},
    {"waivers", {"Waivers", "Dérogations", "Excepciones", "الإعفاءات", "Исключения", "豁免"}},
    {"no_waivers", {"No waiver file was applied to this report.", "Aucun fichier de dérogations n'a été appliqué à ce "
                    "rapport.", "No se aplicó ningún archivo de excepciones a este informe.",
                    "لم يُطبَّق أي ملف إعفاءات على هذا التقرير.", "Файл исключений к этому отчёту не применялся.",
                    "本报告未应用任何豁免文件。"}},
    {"waiver_file", {"Waiver file", "Fichier de dérogations", "Archivo de excepciones", "ملف الإعفاءات",
                     "Файл исключений", "豁免文件"}},
    {"active_waivers", {"Active waivers", "Dérogations en vigueur", "Excepciones vigentes", "الإعفاءات السارية",
                        "Действующие исключения", "有效豁免"}},
    {"expired_waivers", {"Expired waivers (no longer applied)", "Dérogations expirées (plus appliquées)",
                         "Excepciones vencidas (ya no se aplican)", "الإعفاءات المنتهية (لم تعد تُطبَّق)",
                         "Истёкшие исключения (больше не применяются)", "已过期豁免（不再适用）"}},
    {"unused_waivers", {"Waivers that matched no result", "Dérogations sans résultat concerné",
                        "Excepciones sin resultados afectados", "إعفاءات لم تطابق أي نتيجة",
                        "Исключения, не затронувшие ни одного результата", "未匹配任何结果的豁免"}},
    {"kind", {"Kind", "Type", "Tipo", "النوع", "Вид", "类型"}},
    {"justification", {"Justification", "Justification", "Justificación", "المسوِّغ", "Обоснование", "理由"}},
    {"requested_by", {"Requested by", "Demandée par", "Solicitada por", "بطلب من", "Запрошено", "申请人"}},
    {"approved_by", {"Approved by", "Approuvée par", "Aprobada por", "وافق عليه", "Утверждено", "批准人"}},
    {"approved_on", {"Approved on", "Approuvée le", "Aprobada el", "تاريخ الموافقة", "Дата утверждения", "批准日期"}},
    {"expires_on", {"Expires on", "Expire le", "Vence el", "تاريخ الانتهاء", "Истекает", "到期日期"}},
    {"covers", {"Results covered", "Résultats couverts", "Resultados cubiertos", "النتائج المشمولة",
                "Затронуто результатов", "涉及结果数"}},
    {"none", {"none", "aucun", "ninguno", "لا يوجد", "нет", "无"}},
    {"no_results", {"No results.", "Aucun résultat.", "Sin resultados.", "لا توجد نتائج.", "Нет результатов.",
                    "无结果。"}},
    {"appendix", {"Appendix: raw facts", "Annexe : faits bruts", "Apéndice: hechos en bruto", "ملحق: الحقائق الخام",
                  "Приложение: исходные факты", "附录：原始事实"}},
    {"appendix_note", {"What each probe observed, as the report records it; every result above is a function of "
                       "these facts.",
                       "Ce que chaque sonde a observé, tel que le rapport l'enregistre ; chaque résultat ci-dessus "
                       "découle de ces faits.",
                       "Lo que observó cada sonda, tal como lo registra el informe; cada resultado anterior se deriva "
                       "de estos hechos.",
                       "ما رصده كل مسبار كما يسجّله التقرير؛ كل نتيجة أعلاه مستمدة من هذه الحقائق.",
                       "Что наблюдал каждый зонд, как это записано в отчёте; каждый результат выше выводится из "
                       "этих фактов.",
                       "各探测器观测到的内容，按报告记录；以上每个结果均由这些事实得出。"}},
    {"filter", {"Filter", "Filtrer", "Filtrar", "تصفية", "Фильтр", "筛选"}},
    {"all", {"all", "tous", "todos", "الكل", "все", "全部"}},
    {"sort_severity", {"Most severe first", "Les plus graves d'abord", "Más graves primero", "الأشد خطورة أولًا",
                       "Сначала самые серьёзные", "最严重的在前"}},
    {"generated_by", {"Generated by", "Produit par", "Generado por", "أُنشئ بواسطة", "Создано программой",
                      "生成工具"}},
    {"not_translated", {"not translated: the profile's English text", "non traduit : texte anglais du profil",
                        "sin traducir: texto en inglés del perfil", "غير مترجم: النص الإنجليزي لملف التعريف",
                        "не переведено: английский текст профиля", "未翻译：配置文件的英文文本"}},
    {"n_a", {"n/a", "s.o.", "n/d", "غير متاح", "н/д", "无"}},
    // The cover's signature line (report render --format html --pubkey).
    {"sig_verified", {"verified", "vérifiée", "verificada", "تم التحقق منه", "проверена", "已验证"}},
    {"sig_failed", {"verification FAILED", "ÉCHEC de la vérification", "verificación FALLIDA", "فشل التحقق",
                    "проверка НЕ ПРОЙДЕНА", "验证失败"}},
    {"sig_not_checked", {"not checked", "non vérifiée", "no verificada", "لم يُتحقَّق منه", "не проверялась",
                         "未验证"}},
    // The diff page (report diff --format html).
    {"diff_title", {"Comparison of two scans", "Comparaison de deux analyses", "Comparación de dos análisis",
                    "مقارنة بين فحصين", "Сравнение двух сканирований", "两次扫描的比较"}},
    {"diff_old", {"Earlier report", "Rapport précédent", "Informe anterior", "التقرير السابق", "Предыдущий отчёт",
                  "先前报告"}},
    {"diff_new", {"Later report", "Rapport suivant", "Informe posterior", "التقرير اللاحق", "Последующий отчёт",
                  "后续报告"}},
    {"diff_summary", {"Summary of changes", "Synthèse des changements", "Resumen de los cambios", "ملخص التغييرات",
                      "Сводка изменений", "变化摘要"}},
    {"file", {"File", "Fichier", "Archivo", "الملف", "Файл", "文件"}},
    {"started", {"Started", "Début", "Inicio", "البدء", "Начало", "开始时间"}},
    {"count", {"Count", "Nombre", "Cantidad", "العدد", "Количество", "数量"}},
    {"before", {"Before", "Avant", "Antes", "قبل", "До", "之前"}},
    {"after", {"After", "Après", "Después", "بعد", "После", "之后"}},
    {"absent", {"absent", "non présent", "ausente", "غير موجود", "отсутствует", "不存在"}},
    {"change", {"Change", "Changement", "Cambio", "التغيير", "Изменение", "变化"}},
    {"message_now", {"Now", "Désormais", "Ahora", "الآن", "Сейчас", "现在"}},
    {"changes_title", {"Changes since the previous scan of this configuration",
                       "Changements depuis l'analyse précédente de cette configuration",
                       "Cambios desde el análisis anterior de esta configuración",
                       "التغييرات منذ الفحص السابق لهذا الإعداد",
                       "Изменения с предыдущего сканирования этой конфигурации", "自该配置上次扫描以来的变化"}},
    {"changes_first", {"First scan of this configuration: every failure is new.",
                       "Première analyse de cette configuration : toute non-conformité est nouvelle.",
                       "Primer análisis de esta configuración: todo fallo es nuevo.",
                       "أول فحص لهذا الإعداد: كل إخفاق جديد.",
                       "Первое сканирование этой конфигурации: все несоответствия новые.",
                       "该配置的首次扫描：所有不合规项均为新增。"}},
    {"previous_scan", {"Previous scan", "Analyse précédente", "Análisis anterior", "الفحص السابق",
                       "Предыдущее сканирование", "上次扫描"}},
    {"expiring_certificates", {"Certificates expired or expiring soon", "Certificats expirés ou expirant bientôt",
                               "Certificados vencidos o a punto de vencer", "شهادات منتهية أو توشك على الانتهاء",
                               "Сертификаты, срок действия которых истёк или скоро истекает",
                               "已过期或即将过期的证书"}},
    {"days_left", {"Days left", "Jours restants", "Días restantes", "الأيام المتبقية", "Осталось дней", "剩余天数"}},
    {"configuration_changed", {"The configuration changed since (inventory, profiles, tailoring, waivers or trust "
                               "anchors): results are compared one by one.",
                               "La configuration a changé depuis (inventaire, profils, adaptations, dérogations ou "
                               "ancres de confiance) : les résultats sont comparés un à un.",
                               "La configuración ha cambiado desde entonces (inventario, perfiles, adaptaciones, "
                               "excepciones o anclas de confianza): los resultados se comparan uno a uno.",
                               "تغيّر الإعداد منذ ذلك الحين (الجرد أو الملفات التعريفية أو التكييف أو الإعفاءات أو "
                               "مراسي الثقة): تُقارن النتائج واحدة بواحدة.",
                               "Конфигурация с тех пор изменилась (перечень, профили, адаптация, исключения или "
                               "доверенные корни): результаты сравниваются по одному.",
                               "此后配置已更改（清单、配置文件、裁剪、豁免或信任锚）：逐项比较结果。"}},
    {"listed_before", {"already listed by the previous scan", "déjà signalé par l'analyse précédente",
                       "ya indicado en el análisis anterior", "سبق أن أدرجه الفحص السابق",
                       "уже указан предыдущим сканированием", "上次扫描已列出"}},
    {"diff_regressions", {"Regressions (passed → failed)", "Régressions (conforme → non conforme)",
                          "Regresiones (conforme → no conforme)", "تراجعات (من ناجح إلى راسب)",
                          "Регрессии (соответствует → не соответствует)", "退步（通过 → 未通过）"}},
    {"diff_new_failures", {"New failures", "Nouvelles non-conformités", "Nuevos fallos", "إخفاقات جديدة",
                           "Новые несоответствия", "新增不合规项"}},
    {"diff_fixed", {"Fixed (failed → passed)", "Corrigées (non conforme → conforme)",
                    "Corregidos (no conforme → conforme)", "تم إصلاحها (من راسب إلى ناجح)",
                    "Исправлено (не соответствует → соответствует)", "已修复（未通过 → 通过）"}},
    {"diff_still_failing", {"Still failing", "Toujours non conformes", "Siguen fallando", "لا تزال راسبة",
                            "По-прежнему не соответствует", "仍未通过"}},
    {"diff_other_changes", {"Other status changes", "Autres changements de statut", "Otros cambios de estado",
                            "تغييرات أخرى في الحالة", "Прочие изменения статуса", "其他状态变化"}},
    {"diff_unchanged", {"Unchanged results", "Résultats inchangés", "Resultados sin cambios", "نتائج دون تغيير",
                        "Неизменившиеся результаты", "未变化的结果"}},
    {"diff_targets_added", {"Targets added", "Cibles ajoutées", "Objetivos añadidos", "أهداف مضافة",
                            "Добавленные цели", "新增目标"}},
    {"diff_targets_removed", {"Targets removed", "Cibles retirées", "Objetivos eliminados", "أهداف محذوفة",
                              "Удалённые цели", "移除的目标"}},
    {"diff_rules_added", {"Rules added", "Règles ajoutées", "Reglas añadidas", "قواعد مضافة", "Добавленные правила",
                          "新增规则"}},
    {"diff_rules_removed", {"Rules removed", "Règles retirées", "Reglas eliminadas", "قواعد محذوفة",
                            "Удалённые правила", "移除的规则"}},
    {"diff_profiles_changed", {"Profiles changed", "Profils modifiés", "Perfiles modificados",
                               "ملفات تعريف تغيّرت", "Изменённые профили", "变更的配置文件"}},
    {"diff_changed_facts", {"Facts that changed", "Faits modifiés", "Hechos que cambiaron", "الحقائق التي تغيّرت",
                            "Изменившиеся факты", "发生变化的事实"}},
    {"diff_facts_omitted", {"more changed facts not shown", "autres faits modifiés non affichés",
                            "hechos modificados más, no mostrados", "حقائق متغيّرة أخرى غير معروضة",
                            "ещё изменившихся фактов не показано", "项其他变化的事实未显示"}},
    {"diff_facts_none", {"No fact behind this result changed.", "Aucun fait sous-jacent n'a changé.",
                         "No cambió ningún hecho detrás de este resultado.", "لم تتغيّر أي حقيقة وراء هذه النتيجة.",
                         "Ни один факт, на котором основан результат, не изменился.", "该结果背后的事实均未变化。"}},
    {"diff_one_side", {"The target is in one report only.", "La cible ne figure que dans un des rapports.",
                       "El objetivo solo figura en uno de los informes.", "الهدف موجود في تقرير واحد فقط.",
                       "Цель есть только в одном из отчётов.", "该目标仅出现在其中一份报告中。"}},
    // The sector page (report aggregate --out sector.html).
    {"sector_title", {"Sector conformance overview", "Vue d'ensemble de la conformité du secteur",
                      "Panorama de conformidad del sector", "نظرة عامة على مطابقة القطاع",
                      "Обзор соответствия по отрасли", "行业合规概览"}},
    {"sector_reports", {"Reports given", "Rapports fournis", "Informes recibidos", "التقارير المقدَّمة",
                        "Получено отчётов", "提交的报告"}},
    {"sector_included", {"Reports counted", "Rapports pris en compte", "Informes contabilizados",
                         "التقارير المحتسبة", "Учтено отчётов", "计入的报告"}},
    {"sector_sig_failed", {"Failed signature verification", "Échec de la vérification de signature",
                           "Verificación de firma fallida", "فشل التحقق من التوقيع", "Подпись не прошла проверку",
                           "签名验证失败"}},
    {"sector_sig_unchecked", {"Signature not checked", "Signature non vérifiée", "Firma no verificada",
                              "لم يُتحقَّق من التوقيع", "Подпись не проверялась", "签名未验证"}},
    {"sector_rejected", {"Files that could not be read", "Fichiers illisibles", "Archivos que no se pudieron leer",
                         "ملفات تعذّرت قراءتها", "Файлы, которые не удалось прочитать", "无法读取的文件"}},
    {"sector_operators", {"Conformance per operator", "Conformité par opérateur", "Conformidad por operador",
                          "المطابقة حسب المشغّل", "Соответствие по операторам", "各运营者合规情况"}},
    {"sector_rules", {"Conformance per rule across operators", "Conformité par règle, tous opérateurs",
                      "Conformidad por regla entre operadores", "المطابقة حسب القاعدة عبر المشغّلين",
                      "Соответствие по правилам среди операторов", "各规则在运营者间的合规率"}},
    {"sector_worst", {"Worst findings", "Constats les plus graves", "Hallazgos más graves", "أخطر النتائج",
                      "Наиболее серьёзные несоответствия", "最严重的发现"}},
    {"sector_worst_note", {"Critical and high rules failed by at least one operator, most severe and most widespread "
                           "first.",
                           "Règles critiques et élevées non respectées par au moins un opérateur, les plus graves et "
                           "les plus répandues d'abord.",
                           "Reglas críticas y altas incumplidas por al menos un operador, primero las más graves y "
                           "extendidas.",
                           "القواعد الحرجة والعالية التي رسب فيها مشغّل واحد على الأقل، الأشد خطورة والأوسع انتشارًا "
                           "أولًا.",
                           "Критические и высокие правила, не выполненные хотя бы одним оператором; сначала самые "
                           "серьёзные и распространённые.",
                           "至少一个运营者未通过的严重和高级别规则，最严重、最普遍的在前。"}},
    {"sector_unused", {"Reports and files not counted", "Rapports et fichiers non pris en compte",
                       "Informes y archivos no contabilizados", "التقارير والملفات غير المحتسبة",
                       "Неучтённые отчёты и файлы", "未计入的报告和文件"}},
    {"sector_unused_note", {"Nothing given is dropped silently: every report or file not counted above is listed "
                            "here with the reason.",
                            "Rien de ce qui a été fourni n'est écarté en silence : chaque rapport ou fichier non pris "
                            "en compte ci-dessus figure ici avec le motif.",
                            "Nada de lo recibido se descarta en silencio: cada informe o archivo no contabilizado "
                            "arriba figura aquí con el motivo.",
                            "لا يُستبعد شيء مما قُدِّم دون إشارة: كل تقرير أو ملف غير محتسب أعلاه مدرج هنا مع السبب.",
                            "Ничто из полученного не отбрасывается молча: каждый неучтённый выше отчёт или файл "
                            "указан здесь с причиной.",
                            "所提交的内容不会被悄然丢弃：上文未计入的每份报告或文件均在此列出并注明原因。"}},
    {"sector_scores_chart", {"Conformance per operator (%)", "Conformité par opérateur (%)",
                             "Conformidad por operador (%)", "المطابقة حسب المشغّل (%)",
                             "Соответствие по операторам (%)", "各运营者合规率（%）"}},
    {"operators_judged", {"Operators judged", "Opérateurs évalués", "Operadores evaluados", "المشغّلون المُقيَّمون",
                          "Оценено операторов", "参与评判的运营者"}},
    {"operators_passing", {"Operators passing", "Opérateurs conformes", "Operadores conformes",
                           "المشغّلون الناجحون", "Соответствующие операторы", "通过的运营者"}},
    {"operators_waived", {"Operators conforming by waiver", "Opérateurs conformes par dérogation",
                          "Operadores conformes por excepción", "مشغّلون مطابقون بإعفاء",
                          "Операторы, соответствующие по исключению", "经豁免合规的运营者"}},
    {"operators_failing", {"Operators failing", "Opérateurs non conformes", "Operadores no conformes",
                           "المشغّلون الراسبون", "Операторы с несоответствием", "未通过的运营者"}},
    {"operators", {"Operators", "Opérateurs", "Operadores", "المشغّلون", "Операторы", "各运营者"}},
    {"target", {"Target", "Cible", "Objetivo", "الهدف", "Цель", "目标"}},
    {"use", {"Use", "Utilisation", "Uso", "الاستخدام", "Использование", "使用情况"}},
    {"use_included", {"counted", "pris en compte", "contabilizado", "محتسب", "учтён", "已计入"}},
    {"use_signature_failed", {"not counted: signature failed", "non pris en compte : signature invalide",
                              "no contabilizado: firma no válida", "غير محتسب: فشل التوقيع",
                              "не учтён: подпись не прошла проверку", "未计入：签名验证失败"}},
    {"use_superseded", {"superseded by a newer report", "remplacé par un rapport plus récent",
                        "sustituido por un informe más reciente", "حلّ محلّه تقرير أحدث",
                        "заменён более новым отчётом", "已被较新的报告取代"}},
    {"use_rejected", {"could not be read", "illisible", "no se pudo leer", "تعذّرت قراءته", "не удалось прочитать",
                      "无法读取"}},
    {"reason", {"Reason", "Motif", "Motivo", "السبب", "Причина", "原因"}},
};

constexpr std::size_t lang_index(std::string_view lang) {
    constexpr std::array<std::string_view, 6> kOrder = {"en", "fr", "es", "ar", "ru", "zh"};
    for (std::size_t i = 0; i < kOrder.size(); ++i)
        if (kOrder[i] == lang) return i;
    return 0;
}

}  // namespace

const std::vector<std::string_view>& html_languages() {
    static const std::vector<std::string_view> kLanguages = {"en", "fr", "es", "ar", "ru", "zh"};
    return kLanguages;
}

bool is_html_language(std::string_view lang) {
    const auto& l = html_languages();
    return std::find(l.begin(), l.end(), lang) != l.end();
}

bool is_rtl(std::string_view lang) { return lang == "ar"; }

std::string_view ui_text(std::string_view lang, std::string_view key) {
    for (const auto& row : kTable)
        if (row.key == key) return row.text[lang_index(lang)];
    return key;
}

std::vector<std::string_view> ui_text_keys() {
    std::vector<std::string_view> keys;
    for (const auto& row : kTable) keys.push_back(row.key);
    return keys;
}

}  // namespace conformscan::reports
