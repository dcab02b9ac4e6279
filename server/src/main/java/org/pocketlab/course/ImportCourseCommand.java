package org.pocketlab.course;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code import-course FILE --out DIR [--id ID]}: reads a pocket book, writes it as content files into
 * DIR (replacing DIR only once the new content is complete), and first reads the written files back:
 * if they do not load as exactly the imported course, nothing is replaced. Exit codes: 0 imported,
 * 1 the book or the output is wrong (one-line message), 2 usage.
 */
public final class ImportCourseCommand {
  static final String USAGE = "usage: import-course FILE --out DIR [--id ID]\n"
      + "  FILE  a pocket book (plain text, UTF-8)\n"
      + "  DIR   the course directory to create or replace\n"
      + "  ID    the course id (default: FILE's name without extension, as a slug)";

  private ImportCourseCommand() {}

  private record Arguments(Path file, Path out, String id) {}

  private static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }

  public static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.contains("-h") || args.contains("--help")) {
      out.println(USAGE);
      return 0;
    }
    Arguments arguments;
    try {
      arguments = parse(args);
    } catch (UsageException e) {
      err.println("import-course: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    try {
      Course course = PocketBookImporter.importFile(arguments.file(), arguments.id());
      new CourseWriter().write(course, arguments.out(), written -> requireSame(course, CourseLoader.load(written)));
      out.println("imported " + course.cards().size() + " cards in " + course.sections().size()
          + " sections into " + arguments.out());
      return 0;
    } catch (CourseFormatException e) {
      err.println(e.getMessage());
      return 1;
    } catch (IOException | IllegalArgumentException e) {
      err.println("import-course: " + e.getMessage());
      return 1;
    }
  }

  private static Arguments parse(List<String> args) throws UsageException {
    String file = null;
    String out = null;
    String id = null;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      switch (arg) {
        case "--out", "--id" -> {
          if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) throw new UsageException(arg + " needs a value");
          String value = args.get(++i);
          if (arg.equals("--out")) {
            if (out != null) throw new UsageException("--out given twice");
            out = value;
          } else {
            if (id != null) throw new UsageException("--id given twice");
            id = value;
          }
        }
        default -> {
          if (arg.startsWith("-")) throw new UsageException("unknown option " + arg);
          if (file != null) throw new UsageException("one FILE only, found " + file + " and " + arg);
          file = arg;
        }
      }
    }
    if (file == null) throw new UsageException("FILE is missing");
    if (out == null) throw new UsageException("--out DIR is missing");
    if (id == null) {
      String name = Path.of(file).getFileName().toString();
      id = Slugs.of(name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name);
      if (id.isEmpty()) throw new UsageException("cannot make a course id from " + name + ": give --id");
    } else if (!Slugs.isSlug(id)) {
      throw new UsageException("--id must be lowercase letters and digits joined by single hyphens, found '" + id + "'");
    }
    if (!Files.isRegularFile(Path.of(file))) throw new UsageException("no such file: " + file);
    return new Arguments(Path.of(file), Path.of(out), id);
  }

  /** Paranoia: the files on disk must say exactly what was imported, or they do not replace anything. */
  private static void requireSame(Course imported, Course loaded) throws CourseFormatException {
    if (loaded.equals(imported)) return;
    String where = "the course header";
    for (int i = 0; i < Math.min(imported.cards().size(), loaded.cards().size()); i++) {
      if (!imported.cards().get(i).equals(loaded.cards().get(i))) {
        where = "card " + imported.cards().get(i).number();
        break;
      }
    }
    throw new CourseFormatException(imported.id(), 0,
        "the written files do not read back as the imported course (first difference: " + where
            + "); nothing was replaced");
  }
}
