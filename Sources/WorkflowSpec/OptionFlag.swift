/// The `docker create` flags Berth understands in `options:`.
enum OptionFlag: CaseIterable, Sendable {
    case healthCmd, healthInterval, healthTimeout, healthRetries, healthStartPeriod, healthStartInterval
    case noHealthcheck, entrypoint, tmpfs, volume, mount, env, user, hostname, name, workdir, label
    case networkAlias, shmSize, cpus, memory, ulimit, capAdd, capDrop, privileged, restart, publish
    case addHost, initProcess, readOnly, stopSignal, stopTimeout, securityOpt, sysctl

    var longName: String {
        switch self {
        case .healthCmd: return "--health-cmd"
        case .healthInterval: return "--health-interval"
        case .healthTimeout: return "--health-timeout"
        case .healthRetries: return "--health-retries"
        case .healthStartPeriod: return "--health-start-period"
        case .healthStartInterval: return "--health-start-interval"
        case .noHealthcheck: return "--no-healthcheck"
        case .entrypoint: return "--entrypoint"
        case .tmpfs: return "--tmpfs"
        case .volume: return "--volume"
        case .mount: return "--mount"
        case .env: return "--env"
        case .user: return "--user"
        case .hostname: return "--hostname"
        case .name: return "--name"
        case .workdir: return "--workdir"
        case .label: return "--label"
        case .networkAlias: return "--network-alias"
        case .shmSize: return "--shm-size"
        case .cpus: return "--cpus"
        case .memory: return "--memory"
        case .ulimit: return "--ulimit"
        case .capAdd: return "--cap-add"
        case .capDrop: return "--cap-drop"
        case .privileged: return "--privileged"
        case .restart: return "--restart"
        case .publish: return "--publish"
        case .addHost: return "--add-host"
        case .initProcess: return "--init"
        case .readOnly: return "--read-only"
        case .stopSignal: return "--stop-signal"
        case .stopTimeout: return "--stop-timeout"
        case .securityOpt: return "--security-opt"
        case .sysctl: return "--sysctl"
        }
    }

    /// The one-letter form docker accepts, such as `-e` for `--env`.
    var shortName: String? {
        switch self {
        case .env: return "-e"
        case .volume: return "-v"
        case .publish: return "-p"
        case .user: return "-u"
        case .label: return "-l"
        case .workdir: return "-w"
        case .memory: return "-m"
        case .hostname: return "-h"
        default: return nil
        }
    }

    /// Other long names docker accepts for the same flag.
    var aliases: [String] {
        switch self {
        case .networkAlias: return ["--net-alias"]
        default: return []
        }
    }

    /// True for flags that take no value: `--privileged` alone, or `--privileged=false`.
    var isBoolean: Bool {
        switch self {
        case .noHealthcheck, .privileged, .initProcess, .readOnly: return true
        default: return false
        }
    }

    /// The form of a valid value, for error hints.
    var expectedValue: String {
        switch self {
        case .healthInterval, .healthTimeout, .healthStartPeriod, .healthStartInterval:
            return "a duration such as 10s, 1m30s or 500ms"
        case .healthRetries: return "a whole number of retries such as 5"
        case .stopTimeout: return "a whole number of seconds such as 30"
        case .shmSize, .memory: return "a size such as 64m, 1g or 512mb"
        case .cpus: return "a number of CPUs such as 1.5"
        case .ulimit: return "name=soft[:hard], such as nofile=1024:2048"
        case .restart: return "no, always, unless-stopped or on-failure[:max-retries]"
        case .mount: return "comma-separated key=value fields such as type=bind,source=/src,target=/dst"
        case .tmpfs: return "an absolute path with optional options, such as /run:size=64m"
        case .label, .sysctl: return "key=value"
        case .addHost: return "host:address, such as db:10.0.0.5 or db:host-gateway"
        case .publish: return "[ip:][hostPort:]containerPort[/protocol], such as 5432:5432"
        case .noHealthcheck, .privileged, .initProcess, .readOnly: return "true or false"
        default: return "a value"
        }
    }

    /// All flags by each of their names.
    static let byName: [String: OptionFlag] = {
        var names: [String: OptionFlag] = [:]
        for flag in allCases {
            names[flag.longName] = flag
            for alias in flag.aliases {
                names[alias] = flag
            }
            if let short = flag.shortName {
                names[short] = flag
            }
        }
        return names
    }()

    /// Long flags of `docker create` that Berth does not implement, so that errors report them as not
    /// supported rather than unknown. The list is `docker create --help` of Docker CLI 28.2.2, plus the
    /// hidden alias `--net`.
    static let dockerOnly: Set<String> = [
        "--attach", "--blkio-weight", "--blkio-weight-device", "--cgroup-parent", "--cgroupns", "--cidfile",
        "--cpu-period", "--cpu-quota", "--cpu-rt-period", "--cpu-rt-runtime", "--cpu-shares", "--cpuset-cpus",
        "--cpuset-mems", "--device", "--device-cgroup-rule", "--device-read-bps", "--device-read-iops",
        "--device-write-bps", "--device-write-iops", "--disable-content-trust", "--dns", "--dns-option",
        "--dns-search", "--domainname", "--env-file", "--expose", "--gpus", "--group-add", "--interactive", "--ip",
        "--ip6", "--ipc", "--isolation", "--kernel-memory", "--label-file", "--link", "--link-local-ip",
        "--log-driver", "--log-opt", "--mac-address", "--memory-reservation", "--memory-swap", "--memory-swappiness",
        "--net", "--network", "--oom-kill-disable", "--oom-score-adj", "--pid", "--pids-limit", "--platform",
        "--publish-all", "--pull", "--quiet", "--rm", "--runtime", "--storage-opt", "--tty", "--use-api-socket",
        "--userns", "--uts", "--volume-driver", "--volumes-from",
    ]
}
