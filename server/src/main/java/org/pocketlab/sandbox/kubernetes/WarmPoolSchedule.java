package org.pocketlab.sandbox.kubernetes;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many warm (pre-started, unassigned) sandbox pods to keep, possibly by time of week: classes start at
 * known hours, and a pod kept warm all night only costs. Written as
 * {@code Mon-Fri 08:30-12:00=30, Sat 09:00-12:00=10, 13:00-13:30=5}: a day or a day range (optional; every day
 * when left out), a time range (end exclusive, within one day) and the pool size then. Where entries overlap the
 * largest wins; outside all of them, the default size.
 */
public final class WarmPoolSchedule {

  private static final Pattern ENTRY = Pattern.compile(
      "(?:([A-Za-z]{3})(?:-([A-Za-z]{3}))?\\s+)?(\\d{1,2}:\\d{2})-(\\d{1,2}:\\d{2})\\s*=\\s*(\\d{1,4})");

  private record Window(Set<DayOfWeek> days, LocalTime from, LocalTime until, int size) {}

  private final int defaultSize;
  private final ZoneId zone;
  private final List<Window> windows;

  private WarmPoolSchedule(int defaultSize, ZoneId zone, List<Window> windows) {
    this.defaultSize = defaultSize;
    this.zone = zone;
    this.windows = List.copyOf(windows);
  }

  public static WarmPoolSchedule fixed(int size) {
    return new WarmPoolSchedule(size, ZoneId.of("UTC"), List.of());
  }

  /** @throws IllegalArgumentException saying which entry is wrong */
  public static WarmPoolSchedule parse(String text, int defaultSize, ZoneId zone) {
    List<Window> windows = new ArrayList<>();
    for (String raw : text.split(",")) {
      String entry = raw.trim();
      if (entry.isEmpty()) continue;
      Matcher m = ENTRY.matcher(entry);
      if (!m.matches()) throw new IllegalArgumentException("cannot read '" + entry + "'");
      Set<DayOfWeek> days = EnumSet.allOf(DayOfWeek.class);
      if (m.group(1) != null) {
        DayOfWeek first = day(m.group(1));
        DayOfWeek last = m.group(2) == null ? first : day(m.group(2));
        days = EnumSet.noneOf(DayOfWeek.class);
        for (DayOfWeek d = first; ; d = d.plus(1)) {
          days.add(d);
          if (d == last) break;
        }
      }
      LocalTime from = time(m.group(3));
      LocalTime until = time(m.group(4));
      if (!until.isAfter(from)) throw new IllegalArgumentException("'" + entry + "' ends before it starts");
      int size = Integer.parseInt(m.group(5));
      if (size > 1000) throw new IllegalArgumentException("'" + entry + "' asks for more than 1000 pods");
      windows.add(new Window(days, from, until, size));
    }
    if (windows.isEmpty()) throw new IllegalArgumentException("no entries");
    return new WarmPoolSchedule(defaultSize, zone, windows);
  }

  /** The pool size wanted at this moment. */
  public int sizeAt(ZonedDateTime when) {
    ZonedDateTime local = when.withZoneSameInstant(zone);
    LocalTime t = local.toLocalTime();
    int size = -1;
    for (Window w : windows) {
      if (w.days.contains(local.getDayOfWeek()) && !t.isBefore(w.from) && t.isBefore(w.until)) {
        size = Math.max(size, w.size);
      }
    }
    return size < 0 ? defaultSize : size;
  }

  /** The largest size it ever asks for (for the log line at start). */
  public int maxSize() {
    return windows.stream().mapToInt(Window::size).reduce(defaultSize, Math::max);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WarmPoolSchedule w && w.defaultSize == defaultSize && w.zone.equals(zone)
        && w.windows.equals(windows);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(defaultSize, zone, windows);
  }

  @Override
  public String toString() {
    return windows.isEmpty() ? defaultSize + " pod(s)"
        : defaultSize + " pod(s), more by schedule (" + windows.size() + " window(s), " + zone + ")";
  }

  private static DayOfWeek day(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (DayOfWeek d : DayOfWeek.values()) {
      if (d.name().toLowerCase(Locale.ROOT).startsWith(n)) return d;
    }
    throw new IllegalArgumentException("not a day: '" + name + "' (Mon, Tue, ... Sun)");
  }

  private static LocalTime time(String hhmm) {
    try {
      return LocalTime.parse(hhmm.length() == 4 ? "0" + hhmm : hhmm);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not a time: '" + hhmm + "'");
    }
  }
}
