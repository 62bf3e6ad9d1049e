import ArgumentParser
import Registry

/// `--image TRANSPORT:REF` and how to reach a registry: the options check, recommend and
/// catalog import share.
struct ImageOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "A real image: docker://REGISTRY/REPO:TAG (a registry), oci:DIR[:TAG] (an OCI layout) or docker-archive:FILE (docker save).",
        valueName: "transport:ref"))
    var image: String?

    @Option(name: .customLong("tls-verify"), help: "With docker://: verify the registry's TLS certificate (false also allows plain http).")
    var tlsVerify: Bool = true

    @Option(help: ArgumentHelp("With docker://: credentials for the registry (else REGISTRY_AUTH_FILE or ~/.docker/config.json).", valueName: "user:pass"))
    var creds: String?

    func registryOptions() throws -> RegistryOptions {
        RegistryOptions(tlsVerify: tlsVerify, credentials: try creds.map { value throws(RegistryError) in try RegistryCredentials(creds: value) })
    }
}
