/**
 * Learners' sandboxes: one per learner and course, where the terminal's shell and the cards' "Run" buttons
 * execute.
 *
 * <ul>
 *   <li>{@link org.pocketlab.sandbox.SandboxRuntime} is the seam: ensure, exec (streaming, with or without a
 *       PTY), stop, status, list, reset. {@code sandbox.local} implements it with bubblewrap on this machine;
 *       a Kubernetes runtime (a pod per sandbox) implements the same interface and passes the same contract
 *       tests ({@code SandboxRuntimeContract}).
 *   <li>{@link org.pocketlab.sandbox.SandboxProcess} is one running command: output as a
 *       {@code ReadStream<Buffer>} with real backpressure (paused = not read), input as a
 *       {@code WriteStream<Buffer>}, resize, kill, exit status with a reason.
 *   <li>{@link org.pocketlab.sandbox.SandboxManager} is the policy: start on need, cull when idle, restart
 *       after a crash (and say so), stop everything at shutdown.
 *   <li>{@link org.pocketlab.sandbox.SandboxSettings} holds the limits ({@code POCKETLAB_SANDBOX_*}).
 * </ul>
 */
package org.pocketlab.sandbox;
