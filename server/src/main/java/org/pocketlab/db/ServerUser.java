package org.pocketlab.db;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The operating-system user that runs initdb, pg_ctl and postgres. PostgreSQL refuses to run as root,
 * so a root JVM hands them to nobody (via util-linux setpriv) and gives that user the data directory;
 * any other JVM runs them as itself.
 */
final class ServerUser {

  static final int NOBODY = 65534;

  private final Optional<Path> setpriv; // present only when we must drop root

  private ServerUser(Optional<Path> setpriv) {
    this.setpriv = setpriv;
  }

  static ServerUser forThisProcess() {
    if (new com.sun.security.auth.module.UnixSystem().getUid() != 0) return new ServerUser(Optional.empty());
    Path setpriv = findOnPath("setpriv")
        .orElseThrow(() -> new IllegalStateException(
            "This process runs as root, which PostgreSQL refuses; util-linux 'setpriv' (used to run it as"
                + " nobody) was not found. Install util-linux, or run the server as a non-root user."));
    return new ServerUser(Optional.of(setpriv));
  }

  boolean dropsRoot() {
    return setpriv.isPresent();
  }

  /** The command as it must be started so that PostgreSQL accepts the user it runs as. */
  List<String> wrap(List<String> command) {
    if (setpriv.isEmpty()) return command;
    List<String> wrapped = new ArrayList<>(List.of(
        setpriv.get().toString(), "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
    wrapped.addAll(command);
    return wrapped;
  }

  /** Hands a file we created to the server user, so that it can read or write it. */
  void own(Path path) {
    if (setpriv.isEmpty()) return;
    try {
      Files.setAttribute(path, "unix:uid", NOBODY);
      Files.setAttribute(path, "unix:gid", NOBODY);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not give " + path + " to uid " + NOBODY + " (nobody)", e);
    }
  }

  /** Fails, naming the directory, when the server user cannot walk down to {@code dir}. */
  void checkCanReach(Path dir) {
    if (setpriv.isEmpty()) return;
    for (Path p = dir.getParent(); p != null; p = p.getParent()) {
      if (!traversableByNobody(p)) {
        throw new IllegalStateException(
            "PostgreSQL runs as nobody (uid " + NOBODY + ") because this process is root, and nobody cannot"
                + " enter " + p + "; make it traversable (chmod o+x " + p + ") or put the data directory"
                + " elsewhere");
      }
    }
  }

  private static boolean traversableByNobody(Path p) {
    try {
      int mode = (Integer) Files.getAttribute(p, "unix:mode");
      if ((Integer) Files.getAttribute(p, "unix:uid") == NOBODY) return (mode & 0100) != 0;
      if ((Integer) Files.getAttribute(p, "unix:gid") == NOBODY) return (mode & 0010) != 0;
      return (mode & 0001) != 0;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read the permissions of " + p, e);
    }
  }

  private static Optional<Path> findOnPath(String program) {
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
    return Stream.concat(Stream.of(path.split(File.pathSeparator)), Stream.of("/usr/bin", "/bin", "/usr/sbin", "/sbin"))
        .filter(d -> !d.isEmpty())
        .map(d -> Path.of(d, program))
        .filter(Files::isExecutable)
        .findFirst();
  }
}
