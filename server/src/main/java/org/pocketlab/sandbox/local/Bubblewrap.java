package org.pocketlab.sandbox.local;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bubblewrap command line for one sandbox process. What the sandbox sees: a read-only /usr (with the
 * merged-/usr symlinks), a hand-picked /etc, its own /proc, /dev, /tmp and home, and its workspace
 * read-write. Nothing else of the host: no other workspace, no data directory, no /root, no /sys, no
 * environment of the server.
 */
final class Bubblewrap {

  static final String HOME = "/home/learner";
  static final String WORKSPACE = HOME + "/workspace";
  static final int INNER_UID = 1000;
  static final String PATH = "/usr/local/bin:/usr/bin:/bin";

  /**
   * What programs need from the host's /etc, and nothing that could tell secrets: no shadow, no pip.conf
   * (index credentials live there), no /etc/environment, no service configuration. Missing ones are skipped.
   */
  private static final List<String> ETC = List.of(
      "ld.so.cache", "ld.so.conf", "ld.so.conf.d", // the dynamic loader
      "alternatives", // /usr/bin/editor and friends point through here
      "ssl/certs", "ssl/openssl.cnf", // TLS clients start (even offline)
      "localtime", "timezone", // time.localtime() and date
      "nsswitch.conf", "protocols", "services", // getpwuid, getservbyname
      "bash.bashrc", "inputrc", "terminfo", // an interactive bash with a prompt and working keys
      "mime.types", // Python's mimetypes (Django's static files)
      "debian_version", "os-release");

  private final Path bwrap;
  private final List<String> links;
  private final List<String> system;

  Bubblewrap(Path bwrap, Path generatedEtc) {
    this.bwrap = bwrap;
    this.links = topLevelLinks();
    this.system = systemMounts(links, generatedEtc);
  }

  String bwrapPath() {
    return bwrap.toString();
  }

  /** /bin, /lib, ... as on the host (after {@code --ro-bind /usr /usr}). */
  List<String> systemLinks() {
    return links;
  }

  private static List<String> topLevelLinks() {
    List<String> a = new ArrayList<>();
    // Merged-/usr hosts have /bin -> usr/bin etc.: recreate the links; older layouts get read-only binds.
    for (String top : List.of("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")) {
      Path p = Path.of(top);
      try {
        if (Files.isSymbolicLink(p)) a.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), top));
        else if (Files.isDirectory(p)) a.addAll(List.of("--ro-bind", top, top));
      } catch (IOException e) {
        // unreadable: leave it out
      }
    }
    return List.copyOf(a);
  }

  private static List<String> systemMounts(List<String> links, Path generatedEtc) {
    List<String> a = new ArrayList<>(List.of("--ro-bind", "/usr", "/usr"));
    a.addAll(links);
    for (String name : ETC) a.addAll(List.of("--ro-bind-try", "/etc/" + name, "/etc/" + name));
    try (DirectoryStream<Path> python = Files.newDirectoryStream(Path.of("/etc"), "python3*")) {
      for (Path p : python) a.addAll(List.of("--ro-bind", p.toString(), p.toString())); // sitecustomize
    } catch (IOException e) {
      // no Python configuration on this host
    }
    // Our own user database and hosts file: the learner is uid 1000, the machine is "sandbox".
    for (String name : List.of("passwd", "group", "hosts")) {
      a.addAll(List.of("--ro-bind", generatedEtc.resolve(name).toString(), "/etc/" + name));
    }
    return List.copyOf(a);
  }

  /**
   * @param workspace the host directory to mount at {@link #WORKSPACE}
   * @param workingDir relative to the workspace
   * @param sandboxNetwork true when started inside the sandbox's network namespace already (see
   *     NetworkNamespace): that one is kept instead of a new one
   * @param tmpBytes size of the private /tmp and home tmpfs each
   */
  List<String> command(Path workspace, String workingDir, Map<String, String> extraEnv, boolean pty,
      boolean sandboxNetwork, long tmpBytes, List<String> argv) {
    List<String> a = new ArrayList<>();
    a.add(bwrap.toString());
    // New user, pid, network (loopback only), ipc, uts and cgroup namespaces: no view of host processes,
    // no network beyond loopback, no shared memory with the host, and not root inside (uid 1000).
    a.addAll(List.of("--unshare-all", "--unshare-user", "--uid", Integer.toString(INNER_UID),
        "--gid", Integer.toString(INNER_UID)));
    if (sandboxNetwork) a.add("--share-net");
    // No nested user namespaces: they would hand the learner "root" inside them and a large kernel surface.
    a.add("--disable-userns");
    // If the server dies, so does everything it started (and the pid namespace takes the whole tree along).
    a.add("--die-with-parent");
    // On pipes, a new session: no controlling terminal, so no TIOCSTI into a terminal the server might have.
    // (On a PTY the fresh terminal is the controlling one, which job control needs, and it is the learner's.)
    if (!pty) a.add("--new-session");
    a.addAll(List.of("--hostname", "sandbox"));
    a.addAll(system);
    // Fresh /proc for the new pid namespace (only the sandbox's processes); minimal /dev (null, zero,
    // random, tty, pts, shm); private /tmp and home on size-capped tmpfs (counted in the memory cgroup too).
    a.addAll(List.of("--proc", "/proc", "--dev", "/dev"));
    // /dev is a tmpfs the learner would own: cap /dev/shm (POSIX shared memory, multiprocessing) and make
    // the rest read-only, so that only the size-capped mounts take writes.
    a.addAll(List.of("--size", Long.toString(tmpBytes), "--tmpfs", "/dev/shm", "--remount-ro", "/dev"));
    a.addAll(List.of("--size", Long.toString(tmpBytes), "--tmpfs", "/tmp"));
    a.addAll(List.of("--dir", "/var", "--symlink", "../tmp", "/var/tmp"));
    a.addAll(List.of("--size", Long.toString(tmpBytes), "--tmpfs", HOME));
    // The only host directory the learner can write: their own workspace.
    a.addAll(List.of("--bind", workspace.toString(), WORKSPACE));
    a.addAll(List.of("--chdir", workingDir.isEmpty() ? WORKSPACE : WORKSPACE + "/" + workingDir));
    // Nothing of the server's environment gets in (credentials, JAVA_OPTS, POCKETLAB_*): a small fixed set.
    a.add("--clearenv");
    for (Map.Entry<String, String> e : environment(extraEnv, pty).entrySet()) {
      a.addAll(List.of("--setenv", e.getKey(), e.getValue()));
    }
    a.add("--");
    a.addAll(argv);
    return a;
  }

  static Map<String, String> environment(Map<String, String> extra, boolean pty) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", PATH); // Debian's /usr/bin/python3 (with Django), never a host pyenv
    env.put("HOME", HOME);
    env.put("USER", "learner");
    env.put("LOGNAME", "learner");
    env.put("SHELL", "/bin/bash");
    env.put("LANG", "C.UTF-8");
    env.put("TERM", pty ? "xterm-256color" : "dumb");
    env.put("PYTHONDONTWRITEBYTECODE", "1");
    env.putAll(extra);
    return env;
  }
}
