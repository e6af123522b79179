import Testing

@testable import Berth

@Suite("Self-container detection")
struct SelfLocatorUnitTests {
    static let ownID = "3c5e2f0a9b8d7c6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e"
    static let otherID = "9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0"

    /// `/proc/self/mountinfo` of a container on Docker 20.10 with cgroup v2 and overlay2,
    /// which also has another container's hostname file bind-mounted at `/mnt/peer-hostname`.
    static let mountinfo = """
        1342 1031 0:118 / / rw,relatime master:521 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/ABC:/var/lib/docker/overlay2/l/DEF,upperdir=/var/lib/docker/overlay2/5d1e/diff,workdir=/var/lib/docker/overlay2/5d1e/work
        1343 1342 0:121 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw
        1344 1342 0:122 / /dev rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755
        1347 1342 0:26 / /sys/fs/cgroup ro,nosuid,nodev,noexec,relatime - cgroup2 cgroup rw
        1348 1342 8:1 /var/lib/docker/containers/\(ownID)/resolv.conf /etc/resolv.conf rw,relatime - ext4 /dev/sda1 rw,discard
        1349 1342 8:1 /var/lib/docker/containers/\(ownID)/hostname /etc/hostname rw,relatime - ext4 /dev/sda1 rw,discard
        1350 1342 8:1 /var/lib/docker/containers/\(ownID)/hosts /etc/hosts rw,relatime - ext4 /dev/sda1 rw,discard
        1351 1342 8:1 /var/lib/docker/containers/\(otherID)/hostname /mnt/peer-hostname rw,relatime - ext4 /dev/sda1 rw
        1352 1342 0:25 /docker.sock /run/docker.sock rw,nosuid,nodev,noexec,relatime - tmpfs tmpfs rw,size=814800k,mode=755
        """

    @Test("mountinfo names the container whose files back /etc/hostname")
    func mountinfoOwnContainer() {
        #expect(SelfLocator.containerIDs(inMountinfo: Self.mountinfo) == [Self.ownID])
    }

    @Test("another container's files mounted elsewhere do not count")
    func mountinfoOtherMountPoint() {
        let line =
            "1351 1342 8:1 /var/lib/docker/containers/\(Self.otherID)/hostname /mnt/peer-hostname"
            + " rw - ext4 /dev/sda1 rw"

        #expect(SelfLocator.containerIDs(inMountinfo: line).isEmpty)
    }

    @Test("mountinfo with Docker's data root on its own filesystem")
    func mountinfoSeparateDataRoot() {
        // The root field is relative to the mounted filesystem, so /var/lib/docker is not in it.
        let text = """
            801 790 253:2 /containers/\(Self.ownID)/hostname /etc/hostname rw,relatime - xfs /dev/mapper/docker rw
            802 790 253:2 /containers/\(Self.ownID)/hosts /etc/hosts rw,relatime - xfs /dev/mapper/docker rw
            """

        #expect(SelfLocator.containerIDs(inMountinfo: text) == [Self.ownID])
    }

    @Test("mountinfo of rootless Docker")
    func mountinfoRootless() {
        let text =
            "622 601 0:31 /home/ci/.local/share/docker/containers/\(Self.ownID)/hostname /etc/hostname"
            + " rw - btrfs /dev/nvme0n1p2 rw"

        #expect(SelfLocator.containerIDs(inMountinfo: text) == [Self.ownID])
    }

    /// Mountinfo texts that must yield no container id.
    static let mountinfoWithoutID: [String] = [
        // The host itself.
        "25 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n26 25 0:5 / /dev rw - devtmpfs udev rw",
        // A Kubernetes pod, whose hosts file comes from the kubelet.
        "900 880 8:1 /var/lib/kubelet/pods/6d2b1c4a-08f3-4e1e-9a5b-2f1c/etc-hosts /etc/hosts rw - ext4 /dev/sda1 rw",
        // A path with a short, non-hex or upper-case id.
        "1 0 8:1 /var/lib/docker/containers/abc123/hostname /etc/hostname rw - ext4 /dev/sda1 rw",
        "1 0 8:1 /var/lib/docker/containers/\(String(repeating: "g", count: 64))/hostname /etc/hostname rw - ext4 x rw",
        "1 0 8:1 /var/lib/docker/containers/\(ownID.uppercased())/hostname /etc/hostname rw - ext4 /dev/sda1 rw",
        // Too few fields.
        "1 0 8:1 /var/lib/docker/containers/\(ownID)/hostname",
        "",
    ]

    @Test("mountinfo without a Docker container", arguments: mountinfoWithoutID)
    func mountinfoNone(_ text: String) {
        #expect(SelfLocator.containerIDs(inMountinfo: text).isEmpty)
    }

    @Test("unreadable mountinfo yields nothing")
    func mountinfoMissing() {
        #expect(SelfLocator.containerIDs(inMountinfo: nil).isEmpty)
        #expect(SelfLocator.containerIDs(inCgroup: nil).isEmpty)
    }

    @Test("cgroup v1 /docker/<id> paths, one id for every controller")
    func cgroupV1() {
        let text = """
            12:pids:/docker/\(Self.ownID)
            11:memory:/docker/\(Self.ownID)
            10:cpu,cpuacct:/docker/\(Self.ownID)
            1:name=systemd:/docker/\(Self.ownID)
            0::/system.slice/containerd.service
            """

        #expect(SelfLocator.containerIDs(inCgroup: text) == [Self.ownID])
    }

    @Test("systemd cgroup driver docker-<id>.scope")
    func cgroupSystemdScope() {
        let text = """
            5:devices:/system.slice/docker-\(Self.ownID).scope
            1:name=systemd:/system.slice/docker-\(Self.ownID).scope
            """

        #expect(SelfLocator.containerIDs(inCgroup: text) == [Self.ownID])
    }

    @Test("cgroup v2 with the host's cgroup namespace")
    func cgroupV2HostNamespace() {
        #expect(SelfLocator.containerIDs(inCgroup: "0::/system.slice/docker-\(Self.ownID).scope\n") == [Self.ownID])
    }

    @Test("kubepods path ends in the container id")
    func cgroupKubepods() {
        let text = """
            11:cpu,cpuacct:/kubepods/burstable/pod6d2b1c4a-08f3-4e1e-9a5b-2f1c0d3e4f5a/\(Self.ownID)
            10:memory:/kubepods/burstable/pod6d2b1c4a-08f3-4e1e-9a5b-2f1c0d3e4f5a/\(Self.ownID)
            """

        #expect(SelfLocator.containerIDs(inCgroup: text) == [Self.ownID])
    }

    /// Cgroup texts that must yield no container id.
    static let cgroupWithoutID: [String] = [
        // cgroup v2 with a private cgroup namespace, Docker 20.10's default on cgroup v2.
        "0::/\n",
        // A host login session.
        "0::/user.slice/user-1000.slice/session-3.scope\n",
        // cgroup v1 on the host.
        "12:pids:/user.slice/user-1000.slice\n1:name=systemd:/user.slice/user-1000.slice/session-3.scope\n",
        "",
    ]

    @Test("cgroup paths without a container", arguments: cgroupWithoutID)
    func cgroupNone(_ text: String) {
        #expect(SelfLocator.containerIDs(inCgroup: text).isEmpty)
    }
}
