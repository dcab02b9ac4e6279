package org.pocketlab.sandbox.kubernetes;

import io.kubernetes.client.openapi.models.V1Capabilities;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1PodSecurityContext;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1SecurityContext;
import io.kubernetes.client.openapi.models.V1Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The Pod Security Standards {@code restricted} profile (which includes {@code baseline}), as the admission
 * controller checks it, for pod specs written by us: what a namespace labelled
 * {@code pod-security.kubernetes.io/enforce: restricted} would refuse. One line per violation.
 */
final class RestrictedProfile {

  private static final Set<String> VOLUME_TYPES = Set.of("configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
      "persistentVolumeClaim", "projected", "secret");

  private RestrictedProfile() {}

  static List<String> violations(V1PodSpec spec) {
    List<String> v = new ArrayList<>();
    if (Boolean.TRUE.equals(spec.getHostNetwork())) v.add("hostNetwork");
    if (Boolean.TRUE.equals(spec.getHostPID())) v.add("hostPID");
    if (Boolean.TRUE.equals(spec.getHostIPC())) v.add("hostIPC");
    for (V1Volume volume : spec.getVolumes() == null ? List.<V1Volume>of() : spec.getVolumes()) {
      String type = volumeType(volume);
      if (!VOLUME_TYPES.contains(type)) v.add("volume " + volume.getName() + " of type " + type);
    }
    V1PodSecurityContext pod = spec.getSecurityContext() == null ? new V1PodSecurityContext() : spec.getSecurityContext();
    if (pod.getSysctls() != null && !pod.getSysctls().isEmpty()) v.add("sysctls");
    if (pod.getRunAsUser() != null && pod.getRunAsUser() == 0) v.add("pod runAsUser 0");
    if (pod.getSeccompProfile() != null && !allowedSeccomp(pod.getSeccompProfile().getType())) {
      v.add("pod seccompProfile " + pod.getSeccompProfile().getType());
    }
    List<V1Container> containers = new ArrayList<>(spec.getContainers());
    if (spec.getInitContainers() != null) containers.addAll(spec.getInitContainers());
    for (V1Container c : containers) {
      String n = "container " + c.getName() + ": ";
      V1SecurityContext s = c.getSecurityContext() == null ? new V1SecurityContext() : c.getSecurityContext();
      if (Boolean.TRUE.equals(s.getPrivileged())) v.add(n + "privileged");
      if (!Boolean.FALSE.equals(s.getAllowPrivilegeEscalation())) v.add(n + "allowPrivilegeEscalation not false");
      boolean nonRoot = Boolean.TRUE.equals(s.getRunAsNonRoot())
          || s.getRunAsNonRoot() == null && Boolean.TRUE.equals(pod.getRunAsNonRoot());
      if (!nonRoot) v.add(n + "runAsNonRoot not true");
      if (s.getRunAsUser() != null && s.getRunAsUser() == 0) v.add(n + "runAsUser 0");
      String seccomp = s.getSeccompProfile() != null ? s.getSeccompProfile().getType()
          : pod.getSeccompProfile() != null ? pod.getSeccompProfile().getType() : null;
      if (!allowedSeccomp(seccomp)) v.add(n + "seccompProfile " + seccomp);
      V1Capabilities caps = s.getCapabilities();
      if (caps == null || caps.getDrop() == null || !caps.getDrop().contains("ALL")) v.add(n + "capabilities not dropping ALL");
      if (caps != null && caps.getAdd() != null && !Set.of("NET_BIND_SERVICE").containsAll(caps.getAdd())) {
        v.add(n + "capabilities added " + caps.getAdd());
      }
      if (s.getProcMount() != null && !"Default".equals(s.getProcMount())) v.add(n + "procMount " + s.getProcMount());
      if (c.getPorts() != null && c.getPorts().stream().anyMatch(p -> p.getHostPort() != null && p.getHostPort() != 0)) {
        v.add(n + "hostPort");
      }
    }
    return v;
  }

  private static boolean allowedSeccomp(String type) {
    return "RuntimeDefault".equals(type) || "Localhost".equals(type);
  }

  private static String volumeType(V1Volume v) {
    if (v.getConfigMap() != null) return "configMap";
    if (v.getCsi() != null) return "csi";
    if (v.getDownwardAPI() != null) return "downwardAPI";
    if (v.getEmptyDir() != null) return "emptyDir";
    if (v.getEphemeral() != null) return "ephemeral";
    if (v.getPersistentVolumeClaim() != null) return "persistentVolumeClaim";
    if (v.getProjected() != null) return "projected";
    if (v.getSecret() != null) return "secret";
    if (v.getHostPath() != null) return "hostPath";
    return "other";
  }
}
