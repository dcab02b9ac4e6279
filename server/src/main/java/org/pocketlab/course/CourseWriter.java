package org.pocketlab.course;

import org.pocketlab.FileTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;

/**
 * Writes a course as content files (format: {@link ContentFiles#README}), all or nothing: everything
 * goes into a new hidden sibling directory first; only when that is complete (and, if asked, checked)
 * does it take the place of the output directory, by two renames within one parent (old → aside, new
 * → in place, then the old copy is deleted). On any failure the new directory is removed and the old
 * content stays as it was. An existing output directory is only replaced if it is a course directory
 * (has a course.md) or empty, so a mistyped {@code --out} cannot wipe unrelated files.
 */
public final class CourseWriter {

  /** Writes one file; a seam for tests that need the disk to fail halfway. */
  interface FileSink {
    void write(Path file, String content) throws IOException;
  }

  /** Runs on the complete new directory before it replaces the old one; throwing keeps the old one. */
  @FunctionalInterface
  public interface Check {
    void verify(Path newDirectory) throws IOException, CourseFormatException;
  }

  private static final SecureRandom RANDOM = new SecureRandom();
  private final FileSink sink;

  public CourseWriter() {
    this((file, content) -> Files.writeString(file, content, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW));
  }

  CourseWriter(FileSink sink) {
    this.sink = sink;
  }

  public void write(Course course, Path out) throws IOException {
    try {
      write(course, out, dir -> {});
    } catch (CourseFormatException e) {
      throw new IllegalStateException("a check that does nothing failed", e);
    }
  }

  /**
   * @throws IllegalArgumentException if the course holds text the format cannot represent (before
   *     anything is written)
   */
  public void write(Course course, Path out, Check check) throws IOException, CourseFormatException {
    Map<String, String> files = ContentFiles.render(course);
    Path target = out.toAbsolutePath().normalize();
    Path parent = target.getParent();
    if (parent == null) throw new IOException("cannot write a course over the root directory");
    Files.createDirectories(parent);
    checkReplaceable(target);
    Path fresh = createSibling(target, "new");
    try {
      for (Map.Entry<String, String> file : files.entrySet()) {
        Path path = fresh.resolve(file.getKey());
        Files.createDirectories(path.getParent());
        sink.write(path, file.getValue());
      }
      check.verify(fresh);
      swap(fresh, target);
    } catch (Throwable e) {
      try {
        FileTrees.delete(fresh);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  private static void checkReplaceable(Path target) throws IOException {
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) return;
    if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(target + " exists and is not a directory");
    }
    if (Files.exists(target.resolve(ContentFiles.COURSE_FILE))) return;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(target)) {
      if (entries.iterator().hasNext()) {
        throw new IOException("refusing to replace " + target
            + ": it is not empty and not a course directory (it has no " + ContentFiles.COURSE_FILE + ")");
      }
    }
  }

  private static void swap(Path fresh, Path target) throws IOException {
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
      return;
    }
    Path aside = reserveName(target, "old");
    Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE);
    try {
      Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      Files.move(aside, target, StandardCopyOption.ATOMIC_MOVE); // put the old content back
      throw e;
    }
    FileTrees.delete(aside);
  }

  private static Path createSibling(Path target, String purpose) throws IOException {
    while (true) {
      try {
        return Files.createDirectory(siblingName(target, purpose));
      } catch (FileAlreadyExistsException taken) {
        // another random name
      }
    }
  }

  private static Path reserveName(Path target, String purpose) {
    Path name;
    do {
      name = siblingName(target, purpose);
    } while (Files.exists(name, LinkOption.NOFOLLOW_LINKS));
    return name;
  }

  /** Hidden and next to the target, so the final rename stays within one file system. */
  private static Path siblingName(Path target, String purpose) {
    byte[] bytes = new byte[6];
    RANDOM.nextBytes(bytes);
    return target.resolveSibling("." + target.getFileName() + "." + purpose + "-" + HexFormat.of().formatHex(bytes));
  }
}
