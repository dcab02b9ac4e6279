package org.pocketlab.cohort;

import java.util.List;

/**
 * CSV lines (RFC 4180): fields with commas, quotes or line breaks are quoted. A field that a spreadsheet
 * would run as a formula (starting with =, +, -, @, tab or CR) gets a leading apostrophe: names and
 * usernames come from people, and a CSV is opened by instructors.
 */
final class Csv {
  private Csv() {}

  static String line(List<?> fields) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) out.append(',');
      out.append(field(fields.get(i)));
    }
    return out.append("\r\n").toString();
  }

  static String field(Object value) {
    if (value == null) return "";
    String s = value.toString();
    if (!(value instanceof Number) && !s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0) s = "'" + s;
    boolean quote = s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
    return quote ? '"' + s.replace("\"", "\"\"") + '"' : s;
  }
}
