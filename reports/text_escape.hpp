// Escaping for the machine formats rendered from a report: CSV cells that a
// spreadsheet will not run as formulas, and XML text that a parser accepts
// whatever bytes a server sent.
#pragma once

#include <string>
#include <string_view>

namespace conformscan::reports {

// Replaces each invalid UTF-8 sequence (overlong, surrogate, truncated, > U+10FFFF)
// with U+FFFD. Valid input is returned unchanged.
std::string sanitize_utf8(std::string_view text);

// A cell a spreadsheet shows as text: one starting with = + - @ TAB or CR
// (what Excel, LibreOffice and Google Sheets read as a formula or
// strip) gets a leading single quote (OWASP "CSV Injection").
std::string csv_neutralize(std::string_view cell);

// One RFC 4180 field: neutralised, then quoted when it holds a comma, a quote,
// CR or LF (quotes doubled). Invalid UTF-8 becomes U+FFFD.
std::string csv_field(std::string_view cell);

// XML 1.0 character data or attribute value: & < > " ' escaped, and the
// characters XML 1.0 forbids (C0 controls other than TAB, LF, CR; U+FFFE,
// U+FFFF) removed; invalid UTF-8 becomes U+FFFD. In attributes TAB, LF and CR
// are written as character references so that they survive normalisation.
std::string xml_escape(std::string_view text, bool attribute = false);

}  // namespace conformscan::reports
