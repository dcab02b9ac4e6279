package org.pocketlab.sandbox.local;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * cgroups for sandboxes, per controller: each of memory, pids and cpu is used from whichever hierarchy
 * carries it on this host, v1 (a mount per controller, still common on older hosts and some containers) or
 * v2 (one unified mount). Hybrid hosts mix both. Whatever is not available is simply not enforced here, and
 * {@link LocalSandboxRuntime} logs so.
 *
 * <p>Layout: in each hierarchy, a parent group per data directory ({@code pocketlab-<hash>}), created below
 * the cgroup this JVM runs in when that is allowed (v1; v2 if its no-internal-processes rule permits), else
 * below the hierarchy's root; and one child group per running sandbox. Launchers put themselves into the
 * child group before they become bubblewrap, so every process of the sandbox is born inside it.
 */
final class Cgroups {

  private static final Logger log = LoggerFactory.getLogger(Cgroups.class);
  static final List<String> CONTROLLERS = List.of("memory", "pids", "cpu");
  private static final long CPU_PERIOD_US = 100_000;

  /** One hierarchy we use: its version, our parent group in it, and the controllers we use from it. */
  record Hierarchy(int version, Path parent, Set<String> controllers) {}

  private final List<Hierarchy> hierarchies;
  private final Map<String, Hierarchy> byController;
  /** v1 freezer (for a race-free kill), when there is one. */
  private final Optional<Path> freezerParent;

  private Cgroups(List<Hierarchy> hierarchies, Map<String, Hierarchy> byController, Optional<Path> freezerParent) {
    this.hierarchies = hierarchies;
    this.byController = byController;
    this.freezerParent = freezerParent;
  }

  static Cgroups none() {
    return new Cgroups(List.of(), Map.of(), Optional.empty());
  }

  /** Finds, for each controller, a hierarchy where we may create {@code parentName}, and creates it there. */
  static Cgroups detect(String parentName) {
    List<Mount> mounts;
    Map<String, String> ownV1 = new LinkedHashMap<>();
    Optional<String> ownV2 = Optional.empty();
    try {
      mounts = Mount.read(Path.of("/proc/self/mountinfo"));
      for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
        String[] f = line.split(":", 3);
        if (f.length < 3) continue;
        if (f[0].equals("0") && f[1].isEmpty()) ownV2 = Optional.of(f[2]);
        else for (String c : f[1].split(",")) ownV1.put(c, f[2]);
      }
    } catch (IOException | RuntimeException e) {
      log.warn("Could not read this process's cgroups ({}); sandboxes run without cgroup limits", e.toString());
      return none();
    }
    Map<Path, Hierarchy> byParent = new LinkedHashMap<>();
    Map<String, Path> parentOf = new LinkedHashMap<>();
    for (String controller : CONTROLLERS) {
      Optional<Hierarchy> found = v1(mounts, ownV1, controller, parentName);
      if (found.isEmpty()) found = v2(mounts, ownV2, controller, parentName);
      if (found.isEmpty()) continue;
      Hierarchy h = found.get();
      byParent.merge(h.parent(), h, (a, b) -> {
        Set<String> both = new LinkedHashSet<>(a.controllers());
        both.addAll(b.controllers());
        return new Hierarchy(a.version(), a.parent(), both);
      });
      parentOf.put(controller, h.parent());
    }
    Map<String, Hierarchy> byController = new LinkedHashMap<>();
    parentOf.forEach((controller, parent) -> byController.put(controller, byParent.get(parent)));
    Optional<Path> freezer = byController.isEmpty()
        ? Optional.empty()
        : v1(mounts, ownV1, "freezer", parentName).map(Hierarchy::parent);
    return new Cgroups(List.copyOf(byParent.values()), byController, freezer);
  }

  private static Optional<Hierarchy> v1(
      List<Mount> mounts, Map<String, String> own, String controller, String parentName) {
    for (Mount m : mounts) {
      if (!m.fsType().equals("cgroup") || !List.of(m.superOptions().split(",")).contains(controller)) continue;
      for (Path base : candidates(m, Optional.ofNullable(own.get(controller)))) {
        Path parent = base.resolve(parentName);
        try {
          Files.createDirectories(parent);
          return Optional.of(new Hierarchy(1, parent, Set.of(controller)));
        } catch (IOException | RuntimeException e) {
          log.debug("cgroup v1 {}: cannot use {}: {}", controller, base, e.toString());
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<Hierarchy> v2(
      List<Mount> mounts, Optional<String> own, String controller, String parentName) {
    for (Mount m : mounts) {
      if (!m.fsType().equals("cgroup2")) continue;
      for (Path base : candidates(m, own)) {
        try {
          if (!words(base.resolve("cgroup.controllers")).contains(controller)) continue;
          if (!words(base.resolve("cgroup.subtree_control")).contains(controller)) {
            Files.writeString(base.resolve("cgroup.subtree_control"), "+" + controller);
          }
          Path parent = base.resolve(parentName);
          Files.createDirectories(parent);
          if (!words(parent.resolve("cgroup.subtree_control")).contains(controller)) {
            Files.writeString(parent.resolve("cgroup.subtree_control"), "+" + controller);
          }
          return Optional.of(new Hierarchy(2, parent, Set.of(controller)));
        } catch (IOException | RuntimeException e) {
          log.debug("cgroup v2 {}: cannot use {}: {}", controller, base, e.toString());
        }
      }
    }
    return Optional.empty();
  }

  /** Our own cgroup in that hierarchy first (polite: stays inside whatever limits we were given), then its root. */
  private static List<Path> candidates(Mount m, Optional<String> ownPath) {
    List<Path> result = new ArrayList<>();
    if (ownPath.isPresent()) {
      String p = ownPath.get();
      String root = m.root();
      String rel = root.equals("/") ? p : p.startsWith(root) ? p.substring(root.length()) : null;
      if (rel != null) {
        Path own = Path.of(m.mountPoint(), rel.replaceFirst("^/+", ""));
        if (!own.equals(Path.of(m.mountPoint()))) result.add(own);
      }
    }
    result.add(Path.of(m.mountPoint()));
    return result;
  }

  private static Set<String> words(Path file) throws IOException {
    return Set.of(Files.readString(file).trim().split("\\s+"));
  }

  boolean enforces(String controller) {
    return byController.containsKey(controller);
  }

  /** "cgroup v1 (/sys/fs/cgroup/memory/...)" or empty when the controller is not available. */
  Optional<String> describe(String controller) {
    Hierarchy h = byController.get(controller);
    return h == null ? Optional.empty() : Optional.of("cgroup v" + h.version() + " (" + h.parent() + ")");
  }

  boolean isEmpty() {
    return hierarchies.isEmpty();
  }

  /** Creates (or takes over a stale) group for one sandbox and sets its limits. */
  Group create(String name, long memoryBytes, int maxProcesses, int cpuPercent) throws IOException {
    List<Path> dirs = new ArrayList<>();
    for (Hierarchy h : hierarchies) dirs.add(h.parent().resolve(name));
    Optional<Path> freezer = freezerParent.map(p -> p.resolve(name));
    Group group = new Group(dirs, freezer);
    group.killAll(Duration.ofSeconds(2)); // a stale group from a JVM that died: empty it first
    for (Path dir : dirs) Files.createDirectories(dir);
    if (freezer.isPresent()) Files.createDirectories(freezer.get());
    for (Map.Entry<String, Hierarchy> e : byController.entrySet()) {
      Path dir = e.getValue().parent().resolve(name);
      boolean v1 = e.getValue().version() == 1;
      switch (e.getKey()) {
        case "memory" -> {
          if (v1) {
            write(dir.resolve("memory.limit_in_bytes"), Long.toString(memoryBytes));
            writeIfPresent(dir.resolve("memory.memsw.limit_in_bytes"), Long.toString(memoryBytes));
          } else {
            write(dir.resolve("memory.max"), Long.toString(memoryBytes));
            writeIfPresent(dir.resolve("memory.swap.max"), "0");
          }
        }
        case "pids" -> write(dir.resolve("pids.max"), Integer.toString(maxProcesses));
        case "cpu" -> {
          long quota = CPU_PERIOD_US * cpuPercent / 100;
          if (v1) {
            write(dir.resolve("cpu.cfs_period_us"), Long.toString(CPU_PERIOD_US));
            write(dir.resolve("cpu.cfs_quota_us"), Long.toString(quota));
          } else {
            write(dir.resolve("cpu.max"), quota + " " + CPU_PERIOD_US);
          }
        }
        default -> throw new IllegalStateException(e.getKey());
      }
    }
    return group;
  }

  /** Empties and removes the groups a previous JVM left behind under our parents. */
  void removeStale() {
    Set<String> names = new LinkedHashSet<>();
    for (Path parent : parents()) {
      try (DirectoryStream<Path> children = Files.newDirectoryStream(parent, Files::isDirectory)) {
        for (Path child : children) names.add(child.getFileName().toString());
      } catch (IOException e) {
        log.warn("Could not list {}: {}", parent, e.toString());
      }
    }
    for (String name : names) {
      List<Path> dirs = new ArrayList<>();
      for (Hierarchy h : hierarchies) dirs.add(h.parent().resolve(name));
      Group stale = new Group(dirs, freezerParent.map(p -> p.resolve(name)));
      stale.killAll(Duration.ofSeconds(2));
      if (!stale.remove()) log.warn("Could not remove the stale sandbox cgroup {}", name);
      else log.info("Removed the stale sandbox cgroup {}", name);
    }
  }

  /** Removes our parent groups (after every sandbox group is gone). */
  void close() {
    for (Path parent : parents()) {
      try {
        Files.deleteIfExists(parent);
      } catch (IOException e) {
        log.warn("Could not remove the cgroup {}: {}", parent, e.toString());
      }
    }
  }

  private List<Path> parents() {
    List<Path> all = new ArrayList<>();
    for (Hierarchy h : hierarchies) all.add(h.parent());
    freezerParent.ifPresent(all::add);
    return all;
  }

  private static void write(Path file, String value) throws IOException {
    Files.writeString(file, value);
  }

  private static void writeIfPresent(Path file, String value) {
    if (!Files.exists(file)) return;
    try {
      Files.writeString(file, value);
    } catch (IOException e) {
      log.debug("Could not write {} to {}: {}", value, file, e.toString());
    }
  }

  /** One sandbox's groups, one per hierarchy. */
  final class Group {
    private final List<Path> dirs;
    private final Optional<Path> freezer;

    private Group(List<Path> dirs, Optional<Path> freezer) {
      this.dirs = dirs;
      this.freezer = freezer;
    }

    /** The files a launcher writes its pid to, to join every group. */
    List<String> procsFiles() {
      List<String> files = new ArrayList<>();
      for (Path d : dirs) files.add(d.resolve("cgroup.procs").toString());
      freezer.ifPresent(f -> files.add(f.resolve("cgroup.procs").toString()));
      return files;
    }

    /** How many times the kernel's OOM killer struck in this group, or -1 when unknown. */
    long oomKills() {
      Hierarchy h = byController.get("memory");
      if (h == null) return -1;
      Path dir = dirs.get(hierarchies.indexOf(h));
      Path file = dir.resolve(h.version() == 1 ? "memory.oom_control" : "memory.events");
      try {
        for (String line : Files.readAllLines(file)) {
          if (line.startsWith("oom_kill ")) return Long.parseLong(line.substring(9).trim());
        }
      } catch (IOException | RuntimeException e) {
        log.debug("Could not read {}: {}", file, e.toString());
      }
      return -1;
    }

    Set<Long> pids() {
      Set<Long> pids = new LinkedHashSet<>();
      List<Path> all = new ArrayList<>(dirs);
      freezer.ifPresent(all::add);
      for (Path d : all) {
        try {
          for (String line : Files.readAllLines(d.resolve("cgroup.procs"))) {
            if (!line.isBlank()) pids.add(Long.parseLong(line.trim()));
          }
        } catch (NoSuchFileException e) {
          // not created (yet) or already removed
        } catch (IOException | RuntimeException e) {
          log.debug("Could not read {}: {}", d, e.toString());
        }
      }
      return pids;
    }

    /**
     * SIGKILLs every process in the groups until none is left (or {@code max} passed): with the v1 freezer
     * frozen first, so that nothing forks while we kill; with v2's cgroup.kill when the kernel has it.
     */
    boolean killAll(Duration max) {
      long deadline = System.nanoTime() + max.toNanos();
      while (true) {
        Set<Long> pids = pids();
        if (pids.isEmpty()) return true;
        if (System.nanoTime() > deadline) {
          log.warn("Processes {} of a sandbox cgroup did not die within {}", pids, max);
          return false;
        }
        boolean frozen = freeze("FROZEN");
        for (Path d : dirs) writeIfPresent(d.resolve("cgroup.kill"), "1");
        for (long pid : pids) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        if (frozen) freeze("THAWED");
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }

    private boolean freeze(String state) {
      if (freezer.isEmpty() || !Files.exists(freezer.get().resolve("freezer.state"))) return false;
      Path file = freezer.get().resolve("freezer.state");
      try {
        Files.writeString(file, state);
        if (state.equals("FROZEN")) {
          long until = System.nanoTime() + 200_000_000L;
          while (!Files.readString(file).trim().equals("FROZEN") && System.nanoTime() < until) Thread.sleep(2);
        }
        return true;
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }

    /** Removes the (empty) groups; true when none is left. */
    boolean remove() {
      List<Path> all = new ArrayList<>(dirs);
      freezer.ifPresent(all::add);
      boolean ok = true;
      for (Path d : all) {
        boolean gone = false;
        for (int attempt = 0; attempt < 50 && !gone; attempt++) {
          try {
            Files.deleteIfExists(d);
            gone = true;
          } catch (IOException e) {
            try {
              Thread.sleep(20); // the last tasks may still be exiting
            } catch (InterruptedException ie) {
              Thread.currentThread().interrupt();
              break;
            }
          }
        }
        ok &= gone;
      }
      return ok;
    }
  }

  /** One line of /proc/self/mountinfo, the parts we need. */
  record Mount(String root, String mountPoint, String fsType, String superOptions) {
    static List<Mount> read(Path mountinfo) throws IOException {
      List<Mount> mounts = new ArrayList<>();
      for (String line : Files.readAllLines(mountinfo)) {
        String[] halves = line.split(" - ", 2);
        if (halves.length < 2) continue;
        String[] left = halves[0].split(" ");
        String[] right = halves[1].split(" ");
        if (left.length < 5 || right.length < 3) continue;
        mounts.add(new Mount(unescape(left[3]), unescape(left[4]), right[0], right[2]));
      }
      return mounts;
    }

    private static String unescape(String s) {
      return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }
  }
}
