import ArgumentParser
import Registry

/// `--image TRANSPORT:REF` and how to reach a registry: the options check, recommend and
/// catalog import share.
struct ImageOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "A real image: docker://REGISTRY/REPO:TAG (a registry), oci:DIR[:TAG] (an OCI layout) or docker-archive:FILE (docker save).",
        valueName: "transport:ref"))
    var image: String?

    @OptionGroup var registry: RegistryAccessOptions

    func registryOptions() throws -> RegistryOptions { try registry.registryOptions() }
}

/// How to reach registries: TLS, credentials, mirrors (also `catalog refresh`'s).
struct RegistryAccessOptions: ParsableArguments {
    @Option(name: .customLong("tls-verify"), help: "With docker://: verify the registry's TLS certificate (false also allows plain http).")
    var tlsVerify: Bool = true

    @Option(help: ArgumentHelp("With docker://: credentials for the registry (else REGISTRY_AUTH_FILE or ~/.docker/config.json).", valueName: "user:pass"))
    var creds: String?

    @Option(name: .customLong("registry-mirror"), help: ArgumentHelp(
        "Read registry SOURCE from TARGET instead, same repository, tag and digest (repeatable; e.g. docker.io=127.0.0.1:5000; also BASEFIT_REGISTRY_MIRRORS, comma-separated).",
        valueName: "source=target"))
    var registryMirror: [String] = []

    func registryOptions() throws -> RegistryOptions {
        RegistryOptions(tlsVerify: tlsVerify, credentials: try creds.map { value throws(RegistryError) in try RegistryCredentials(creds: value) },
                        mirrors: try RegistryMirrors(registryMirror))
    }
}
