/**
 * Sandboxes as Kubernetes pods, through the official client ({@code io.kubernetes:client-java}).
 *
 * <h2>Objects</h2>
 *
 * In the sandbox namespace ({@code POCKETLAB_K8S_NAMESPACE}), per learner and course: a pod while the sandbox
 * runs, and a persistent volume claim, its workspace, for good. Both carry the labels of
 * {@link org.pocketlab.sandbox.kubernetes.SandboxPods} ({@code pocketlab.org/sandbox=<SandboxId.name()>}, the
 * hash-suffixed deterministic name) and the owner and course as annotations; the cluster is the only record
 * of which sandboxes exist, so any replica, or a restarted server, finds them again. A cold start creates the
 * pod under the sandbox's own name, so two replicas starting it at once get one pod and a 409. The pod spec
 * meets the {@code restricted} Pod Security Standard (see {@code SandboxPods}).
 *
 * <h2>Why a volume per learner</h2>
 *
 * The workspace is a claim mounted at {@code /home/learner/workspace}: it outlives the pod (idle culling and
 * {@code stop} delete the pod only), a crashed or evicted pod, a lost node (with network-attached storage) and
 * server restarts, without the server copying anything on each start or keeping files itself, and its size is
 * the storage's to enforce. An init container copies the starter project into a fresh claim, and again after
 * a reset (a token annotation on the claim). The price: a volume attach in every cold start, and a warm pod
 * cannot take over an existing workspace (volumes are fixed at pod creation), so the warm pool serves
 * learners starting a course.
 *
 * <h2>Exec</h2>
 *
 * Terminals and runs are {@code pods/exec} WebSockets ({@code v5.channel.k8s.io}, v4 as a fallback), opened
 * with the client's {@code WebSockets} helper and bridged to Vert.x streams with real backpressure
 * ({@link org.pocketlab.sandbox.kubernetes.PodOutput} holds the socket's reader thread when the consumer is
 * behind; {@link org.pocketlab.sandbox.kubernetes.PodInput} follows the socket's send queue). Kubernetes' exec
 * cannot set a working directory or environment, limit file sizes or kill what it started, hence the small
 * shell wrapper of {@link org.pocketlab.sandbox.kubernetes.ExecCommands}; wall-time and output limits are
 * enforced here, as in the local runtime.
 *
 * <h2>Several replicas</h2>
 *
 * Starts are idempotent (deterministic names, 409 handled); a warm pod is claimed by a relabel conditional on
 * its resource version; two first starts racing with warm claims leave two pods, of which the one assigned
 * first wins everywhere. Idle culling runs in every replica but only on sandboxes nobody else holds: a
 * replica marks the pods it has execs in ({@code pocketlab.org/held-by}, refreshed every minute), and
 * {@code list()} leaves out pods freshly held by another replica. A closing replica releases its marks.
 *
 * <h2>Differences from the local runtime</h2>
 *
 * <ul>
 *   <li>{@code close()} leaves pods running (other replicas serve them, a restart adopts them); it ends the
 *       execs this replica started.</li>
 *   <li>The workspace size is the claim's: a full volume makes writes fail ("No space left on device")
 *       rather than refusing new runs ({@code WORKSPACE_FULL} is never raised).</li>
 *   <li>Process counts are limited by the kubelet's {@code podPidsLimit} (a node setting), not per pod.</li>
 *   <li>A process killed by the out-of-memory killer ends as "signal 9" (the reason is not reported through
 *       exec); a pod that dies ends its execs with {@code SANDBOX_STOPPED}.</li>
 *   <li>Execs share the pod's processes and network, like processes on one machine: a {@code runserver}
 *       started in the terminal is reachable from a run.</li>
 * </ul>
 */
package org.pocketlab.sandbox.kubernetes;
