/**
 * Sandboxes on this machine: bubblewrap for isolation, cgroups and rlimits for limits, pty4j for terminals.
 *
 * <h2>Process model</h2>
 *
 * A sandbox is its workspace plus, while it runs, a set of cgroups (memory, pids, cpu: one limit for all
 * its processes together) and a <em>holder</em>. Every exec is its own bubblewrap invocation that joins the
 * sandbox's cgroups before it starts; so is the holder, a {@code sleep infinity} whose only job is to be the
 * sandbox's "it runs" token: when it dies without being asked (killed from outside, OOM-chosen), the sandbox
 * is {@code CRASHED}, its other processes are ended, and the next ensure restarts it and says so, like a pod
 * that died. Stopping kills every process (each exec's bwrap, whose pid namespace takes its whole tree along,
 * then whatever is left in the cgroups) and removes the cgroups; the workspace stays.
 *
 * <p>Why one bwrap per exec rather than one long-lived bwrap with {@code nsenter} for execs: killing an
 * exec's whole tree is then exact and race-free (SIGKILL to its bwrap ends its pid namespace, even for
 * daemonised grandchildren), every exec gets {@code --die-with-parent} and a clean, fixed environment, a
 * crash cannot leave execs half-entered into a dying namespace, and nothing depends on pids staying valid
 * across restarts. The price: execs do not share a pid namespace, so {@code ps} shows only the exec's own
 * processes. Files, memory, process and CPU limits are shared through the workspace and the cgroups. The
 * network is shared as in a pod: the holder's network namespace (loopback only) is the sandbox's, held open
 * by the server ({@link org.pocketlab.sandbox.local.NetworkNamespace}), and every exec joins it with
 * {@code nsenter} before bwrap, so a {@code runserver} started in the terminal answers a Run. That needs
 * root; a server that is not root gives each exec a loopback of its own.
 *
 * <p>Each exec is started as {@code sh} (joins the cgroups) → {@code prlimit} (FSIZE, CORE=0, NOFILE; NPROC
 * per sandbox uid; AS and CPU only where cgroups cannot do memory and CPU) → {@code nsenter} (the sandbox's
 * network, as root) → {@code setpriv} (the sandbox's
 * own host uid, no new privileges; only when the server runs as root) → {@code bwrap}, each exec-ing the next.
 * Processes are spawned from one long-lived thread, because {@code --die-with-parent}'s parent-death signal
 * fires when the <em>thread</em> that forked ends. Output is read only while the consumer has demand
 * ({@link org.pocketlab.sandbox.local.ProcessOutput}): a terminal's by the event loop that opened it, its PTY
 * master polled with the loop's sockets when Vert.x runs on epoll; pipes, and terminals elsewhere, by one
 * platform thread per process.
 *
 * <p>Consequences of one namespace set per exec, to keep in mind (and where a pod differs): each exec has
 * its own /tmp and home (size-capped tmpfs, gone when it ends; the workspace is the only shared, persistent
 * place); when an exec's main process ends, its background processes end too (bwrap's init takes the pid
 * namespace down), so {@code cmd &} outlives nothing but its own shell.
 *
 * <h2>Identity</h2>
 *
 * Inside, the learner is uid 1000 ({@code learner}, HOME=/home/learner). Outside, when the server runs as
 * root, each sandbox runs as its own host uid (1 800 000 000 + n, recorded in {@code sandbox.properties}):
 * not root even if something escaped the namespaces, no access to other sandboxes' workspaces (0700), and
 * RLIMIT_NPROC counts exactly that sandbox's processes. A non-root server runs sandboxes as itself.
 *
 * <h2>Directory layout</h2>
 *
 * <pre>
 * &lt;dataDir&gt;/sandboxes/                 0711 root: sandbox uids may pass through, nobody may list
 *   .system/etc/{passwd,group,hosts}     generated, bound read-only into every sandbox
 *   &lt;course&gt;/                           0711 root
 *     &lt;owner&gt;/                          0711 root
 *       sandbox.properties               the sandbox's host uid (0600 root)
 *       running                          present while running: a restarted server knows it crashed
 *       workspace/                       0700, the sandbox uid's: /home/learner/workspace inside
 *       workspace.new/ workspace.old/    only during a reset (copy aside, then swap by two renames)
 * </pre>
 *
 * The workspace must be reachable by the sandbox uid, so every directory above {@code <dataDir>/sandboxes}
 * needs the search bit for others ({@code o+x}); start-up says so otherwise.
 *
 * <p>Workspaces are written by learners: server code that reads them (as root) must not follow links or
 * trust names; this package only measures (no following) and deletes them with every process dead. Inside,
 * {@code /proc/self/mountinfo} shows the host paths of the bound files (the data directory's path, not its
 * contents) and the sandbox's host uid; nothing else of the host is visible.
 */
package org.pocketlab.sandbox.local;
