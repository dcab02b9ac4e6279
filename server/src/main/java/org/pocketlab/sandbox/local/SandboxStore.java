package org.pocketlab.sandbox.local;

import org.pocketlab.FileTrees;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.pocketlab.sandbox.SandboxId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandboxes' files under {@code <dataDir>/sandboxes} (layout in the package documentation): workspaces,
 * the host uid of each sandbox, the "was running" markers, and the generated /etc files.
 */
final class SandboxStore {

  private static final Logger log = LoggerFactory.getLogger(SandboxStore.class);
  private static final String WORKSPACE = "workspace";
  private static final String FRESH = "workspace.new";
  private static final String OLD = "workspace.old";
  private static final String PROPERTIES = "sandbox.properties";
  private static final String RUNNING = "running";
  /** A walk that visits more than this many entries stops counting (and counts as over any sane limit). */
  private static final int MEASURE_MAX_ENTRIES = 1_000_000;

  private final Path root;
  private final Path starter;
  private final Path etc;
  /** Empty when sandboxes run as this JVM's own user (not root): no per-sandbox uids then. */
  private final UidRange uids;
  private final Map<SandboxId, Integer> uidOf = new HashMap<>();
  private final BitSet usedUids = new BitSet();

  /** Host uids for sandboxes, {@code base .. base+count-1}; each maps to uid 1000 inside its sandbox. */
  record UidRange(int base, int count) {
    static final UidRange NONE = new UidRange(-1, 0);

    boolean perSandbox() {
      return count > 0;
    }
  }

  SandboxStore(Path dataDir, Path starter, UidRange uids) {
    this.root = dataDir.resolve("sandboxes");
    this.starter = starter;
    this.etc = root.resolve(".system").resolve("etc");
    this.uids = uids;
  }

  /** Creates the directories and /etc files, loads the uids of existing sandboxes. Blocking. */
  void open() throws IOException {
    if (!Files.isDirectory(starter) || !Files.isRegularFile(starter.resolve("manage.py"))) {
      throw new IOException("The starter project " + starter + " is missing (no manage.py there)");
    }
    createDir(root, "rwx--x--x");
    if (uids.perSandbox()) checkTraversable(root);
    createDir(root.resolve(".system"), "rwxr-xr-x");
    createDir(etc, "rwxr-xr-x");
    writeEtc("passwd", """
        root:x:0:0:root:/root:/usr/sbin/nologin
        learner:x:1000:1000:Learner:/home/learner:/bin/bash
        nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
        """);
    writeEtc("group", """
        root:x:0:
        learner:x:1000:
        nogroup:x:65534:
        """);
    writeEtc("hosts", """
        127.0.0.1\tlocalhost sandbox
        ::1\tlocalhost ip6-localhost ip6-loopback
        """);
    for (SandboxId id : all()) {
      Path props = dir(id).resolve(PROPERTIES);
      if (!Files.exists(props)) continue;
      Properties p = new Properties();
      try (InputStream in = Files.newInputStream(props)) {
        p.load(in);
      }
      String uid = p.getProperty("uid");
      if (uid != null && uids.perSandbox()) {
        int u = Integer.parseInt(uid.trim());
        uidOf.put(id, u);
        if (u >= uids.base() && u < uids.base() + uids.count()) usedUids.set(u - uids.base());
      }
    }
  }

  Path etc() {
    return etc;
  }

  Path dir(SandboxId id) {
    return root.resolve(id.course()).resolve(id.owner());
  }

  Path workspace(SandboxId id) {
    return dir(id).resolve(WORKSPACE);
  }

  boolean exists(SandboxId id) {
    return Files.isDirectory(workspace(id)) || Files.isDirectory(dir(id).resolve(OLD));
  }

  /** Every sandbox with a directory here. */
  List<SandboxId> all() throws IOException {
    List<SandboxId> ids = new ArrayList<>();
    if (!Files.isDirectory(root)) return ids;
    try (DirectoryStream<Path> courses = Files.newDirectoryStream(root, Files::isDirectory)) {
      for (Path course : courses) {
        if (course.getFileName().toString().startsWith(".")) continue;
        try (DirectoryStream<Path> owners = Files.newDirectoryStream(course, Files::isDirectory)) {
          for (Path owner : owners) {
            try {
              ids.add(new SandboxId(owner.getFileName().toString(), course.getFileName().toString()));
            } catch (IllegalArgumentException e) {
              log.warn("Ignoring {}: not a sandbox directory", owner);
            }
          }
        }
      }
    }
    return ids;
  }

  /** The host uid the sandbox's processes run as, allocated (and remembered) on first use; -1 if none. */
  synchronized int uid(SandboxId id) throws IOException {
    if (!uids.perSandbox()) return -1;
    Integer known = uidOf.get(id);
    if (known != null) return known;
    int slot = usedUids.nextClearBit(0);
    if (slot >= uids.count()) throw new IOException("All " + uids.count() + " sandbox uids are in use");
    int uid = uids.base() + slot;
    Path dir = dir(id);
    createDir(dir.getParent(), "rwx--x--x");
    createDir(dir, "rwx--x--x");
    Properties p = new Properties();
    p.setProperty("uid", Integer.toString(uid));
    Path tmp = dir.resolve(PROPERTIES + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      p.store(out, "Pocketlab sandbox " + id + ": the host uid its processes run as");
    }
    Files.move(tmp, dir.resolve(PROPERTIES), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    uidOf.put(id, uid);
    usedUids.set(slot);
    return uid;
  }

  /**
   * Makes sure the workspace exists: finishes a reset that was interrupted between its two renames, or
   * copies the starter project for a new sandbox. Returns true when it created a new workspace.
   */
  boolean prepare(SandboxId id) throws IOException {
    int uid = uid(id);
    Path dir = dir(id);
    createDir(dir.getParent(), "rwx--x--x");
    createDir(dir, "rwx--x--x");
    recover(id);
    if (Files.isDirectory(workspace(id))) return false;
    copyStarter(dir.resolve(FRESH), uid);
    Files.move(dir.resolve(FRESH), workspace(id), StandardCopyOption.ATOMIC_MOVE);
    return true;
  }

  /** Replaces the workspace with a fresh copy of the starter: copy aside, then swap. No process may run. */
  void reset(SandboxId id) throws IOException {
    int uid = uid(id);
    Path dir = dir(id);
    createDir(dir.getParent(), "rwx--x--x");
    createDir(dir, "rwx--x--x");
    recover(id);
    copyStarter(dir.resolve(FRESH), uid);
    if (Files.exists(workspace(id), LinkOption.NOFOLLOW_LINKS)) {
      Files.move(workspace(id), dir.resolve(OLD), StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(dir.resolve(FRESH), workspace(id), StandardCopyOption.ATOMIC_MOVE);
    FileTrees.delete(dir.resolve(OLD));
  }

  /**
   * After a crash in the middle of a reset: the fresh copy is complete once the old workspace was moved
   * aside (the copy comes first), so it wins; a fresh copy without that may be partial, so it goes.
   */
  private void recover(SandboxId id) throws IOException {
    Path dir = dir(id);
    Path ws = workspace(id);
    Path fresh = dir.resolve(FRESH);
    Path old = dir.resolve(OLD);
    if (!Files.exists(ws, LinkOption.NOFOLLOW_LINKS)) {
      if (Files.isDirectory(old) && Files.isDirectory(fresh)) {
        Files.move(fresh, ws, StandardCopyOption.ATOMIC_MOVE);
      } else if (Files.isDirectory(old)) {
        Files.move(old, ws, StandardCopyOption.ATOMIC_MOVE);
      }
    }
    FileTrees.delete(fresh);
    FileTrees.delete(old);
  }

  /** Bytes in regular files under the workspace (sizes as files report them; links not followed). */
  long measure(SandboxId id) {
    Path ws = workspace(id);
    if (!Files.isDirectory(ws, LinkOption.NOFOLLOW_LINKS)) return 0;
    long[] total = {0, 0};
    try {
      Files.walkFileTree(ws, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          if (attrs.isRegularFile()) total[0] += attrs.size();
          return ++total[1] > MEASURE_MAX_ENTRIES ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
          return ++total[1] > MEASURE_MAX_ENTRIES ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException exc) {
          return FileVisitResult.CONTINUE; // deleted while we walked: the next walk counts right
        }
      });
    } catch (IOException e) {
      log.warn("Could not measure the workspace of {}: {}", id, e.toString());
    }
    return total[1] > MEASURE_MAX_ENTRIES ? Long.MAX_VALUE : total[0];
  }

  boolean wasRunning(SandboxId id) {
    return Files.exists(dir(id).resolve(RUNNING));
  }

  /** The marker a restarted server finds for sandboxes that were running when it died. */
  void markRunning(SandboxId id, boolean running) throws IOException {
    Path marker = dir(id).resolve(RUNNING);
    if (running) {
      if (!Files.exists(marker)) Files.createFile(marker);
    } else {
      Files.deleteIfExists(marker);
    }
  }

  private void copyStarter(Path target, int uid) throws IOException {
    FileTrees.delete(target);
    try (Stream<Path> paths = Files.walk(starter)) {
      for (Path source : paths.toList()) {
        Path rel = starter.relativize(source);
        String name = source.getFileName().toString();
        if (rel.toString().contains("__pycache__") || name.endsWith(".pyc") || name.equals("db.sqlite3")) continue;
        Path dest = target.resolve(rel.toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(dest);
          Files.setPosixFilePermissions(dest, PosixFilePermissions.fromString("rwxr-xr-x"));
        } else {
          Files.copy(source, dest, StandardCopyOption.COPY_ATTRIBUTES);
          Files.setPosixFilePermissions(dest, PosixFilePermissions.fromString(
              Files.isExecutable(source) ? "rwxr-xr-x" : "rw-r--r--"));
        }
      }
    }
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
    if (uid >= 0) {
      try (Stream<Path> paths = Files.walk(target)) {
        for (Path p : paths.toList()) {
          Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
          Files.setAttribute(p, "unix:gid", uid, LinkOption.NOFOLLOW_LINKS);
        }
      }
    }
  }

  private void writeEtc(String name, String content) throws IOException {
    Path file = etc.resolve(name);
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
  }

  private static void createDir(Path dir, String mode) throws IOException {
    if (!Files.isDirectory(dir)) Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
  }

  /** Sandbox uids must be able to walk down to their workspaces (search permission only; nothing is listable). */
  private static void checkTraversable(Path dir) {
    for (Path p = dir.getParent(); p != null; p = p.getParent()) {
      try {
        int mode = (Integer) Files.getAttribute(p, "unix:mode");
        if ((mode & 0001) == 0) {
          throw new IllegalStateException(
              "Sandboxes run as their own unprivileged users, which cannot enter " + p + "; make it traversable"
                  + " (chmod o+x " + p + ", which lets nobody list it) or put the data directory elsewhere");
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Could not read the permissions of " + p, e);
      }
    }
  }
}
