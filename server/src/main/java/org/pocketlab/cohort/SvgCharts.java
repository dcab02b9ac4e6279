package org.pocketlab.cohort;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;

/**
 * The dashboard's charts as SVG, rendered on the server: no chart library in the browser, and they print.
 * Colours come from presentation attributes and classes (the Content-Security-Policy forbids inline style);
 * every bar carries its number as text and a {@code <title>}, so nothing depends on colour alone.
 */
public final class SvgCharts {
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM", Locale.ENGLISH);

  private SvgCharts() {}

  /** One section's cells (learners × cards) by status. */
  public record SectionBar(int number, String title, int cells, int viewed, int practised, int done) {}

  /** Horizontal stacked bars: done, practised, viewed as shares of the section's learner × card cells. */
  public static String sectionCompletion(List<SectionBar> sections) {
    int width = 640;
    int labelWidth = 200;
    int barWidth = width - labelWidth - 60;
    int rowHeight = 30;
    int height = sections.size() * rowHeight + 30;
    StringBuilder svg = new StringBuilder(2048);
    svg.append("<svg class=\"chart\" role=\"img\" aria-labelledby=\"chart-sections-title chart-sections-desc\" ")
        .append("viewBox=\"0 0 ").append(width).append(' ').append(height).append("\" width=\"100%\" ")
        .append("preserveAspectRatio=\"xMinYMin meet\" xmlns=\"http://www.w3.org/2000/svg\">")
        .append("<title id=\"chart-sections-title\">Completion per section</title><desc id=\"chart-sections-desc\">");
    for (SectionBar s : sections) {
      svg.append(esc("Section " + s.number() + ": " + percent(s.done(), s.cells()) + "% done, "
          + percent(s.practised(), s.cells()) + "% practised, " + percent(s.viewed(), s.cells()) + "% viewed. "));
    }
    svg.append("</desc>");
    int y = 10;
    for (SectionBar s : sections) {
      svg.append("<text class=\"chart-label\" x=\"0\" y=\"").append(y + 15).append("\">")
          .append(esc(s.number() + ". " + shorten(s.title(), 28))).append("</text>");
      int x = labelWidth;
      x = bar(svg, x, y, barWidth, s.done(), s.cells(), "done");
      x = bar(svg, x, y, barWidth, s.practised(), s.cells(), "practised");
      bar(svg, x, y, barWidth, s.viewed(), s.cells(), "viewed");
      svg.append("<rect class=\"chart-frame\" x=\"").append(labelWidth).append("\" y=\"").append(y)
          .append("\" width=\"").append(barWidth).append("\" height=\"20\" fill=\"none\"/>");
      svg.append("<text class=\"chart-value\" x=\"").append(labelWidth + barWidth + 6).append("\" y=\"").append(y + 15)
          .append("\">").append(percent(s.done(), s.cells())).append("%</text>");
      y += rowHeight;
    }
    return svg.append("</svg>").toString();
  }

  private static int bar(StringBuilder svg, int x, int y, int barWidth, int count, int total, String status) {
    if (total == 0 || count == 0) return x;
    int w = Math.max(1, (int) Math.round((double) barWidth * count / total));
    svg.append("<rect class=\"bar-").append(status).append("\" x=\"").append(x).append("\" y=\"").append(y)
        .append("\" width=\"").append(w).append("\" height=\"20\"><title>")
        .append(percent(count, total)).append("% ").append(status).append(" (").append(count).append(" of ")
        .append(total).append(")</title></rect>");
    return x + w;
  }

  /** Vertical bars: events per day, with the busiest day's count as the scale. */
  public static String activity(SortedMap<LocalDate, Integer> perDay) {
    int width = 640;
    int height = 180;
    int top = 20;
    int bottom = 30;
    int plot = height - top - bottom;
    int busiest = perDay.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    int max = Math.max(1, busiest);
    int total = perDay.values().stream().mapToInt(Integer::intValue).sum();
    double step = (double) (width - 40) / Math.max(1, perDay.size());
    StringBuilder svg = new StringBuilder(4096);
    svg.append("<svg class=\"chart\" role=\"img\" aria-labelledby=\"chart-activity-title chart-activity-desc\" ")
        .append("viewBox=\"0 0 ").append(width).append(' ').append(height).append("\" width=\"100%\" ")
        .append("preserveAspectRatio=\"xMinYMin meet\" xmlns=\"http://www.w3.org/2000/svg\">")
        .append("<title id=\"chart-activity-title\">Activity over the last ").append(perDay.size()).append(" days</title>")
        .append("<desc id=\"chart-activity-desc\">").append(total).append(" events in all; the busiest day had ")
        .append(busiest).append(".</desc>");
    svg.append("<text class=\"chart-value\" x=\"0\" y=\"12\">busiest day: ").append(busiest).append(" events</text>");
    svg.append("<line class=\"chart-axis\" x1=\"30\" y1=\"").append(top + plot).append("\" x2=\"").append(width)
        .append("\" y2=\"").append(top + plot).append("\"/>");
    int i = 0;
    for (Map.Entry<LocalDate, Integer> day : perDay.entrySet()) {
      int h = (int) Math.round((double) plot * day.getValue() / max);
      double x = 34 + i * step;
      svg.append("<rect class=\"bar-activity\" x=\"").append(fmt(x)).append("\" y=\"").append(top + plot - h)
          .append("\" width=\"").append(fmt(Math.max(1, step - 2))).append("\" height=\"").append(h).append("\"><title>")
          .append(day.getKey().format(DAY)).append(": ").append(day.getValue()).append(" events</title></rect>");
      boolean last = i == perDay.size() - 1;
      if (i % 7 == 0 && perDay.size() - 1 - i >= 4 || last) { // a label a week, and today's, apart
        svg.append("<text class=\"chart-label\" x=\"").append(fmt(x)).append("\" y=\"").append(height - 8).append("\">")
            .append(day.getKey().format(DAY)).append("</text>");
      }
      i++;
    }
    return svg.append("</svg>").toString();
  }

  static int percent(int count, int total) {
    return total == 0 ? 0 : (int) Math.round(100.0 * count / total);
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private static String shorten(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  static String esc(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
