import Domain
import HTTPTransport

extension RegistryClient {
    /// Runs `work` with a client for `reference` from synchronous code (the CLI's commands)
    /// and waits for it: one fetcher for the whole conversation, shut down on every path;
    /// credentials from `options`, else from the auth files for the reference's registry;
    /// whatever is not already a `RegistryError` becomes one of kind `.other`.
    public static func session<T: Sendable>(
        _ reference: ImageReference, options: RegistryOptions, access: Access = .pull,
        _ work: @escaping @Sendable (RegistryClient) async throws -> T
    ) throws(RegistryError) -> T {
        // Reads go to a mirror when one is set for the registry (errors keep the user's name).
        let (target, credentials) = access == .pull ? options.route(reference)
            : (reference, options.credentials ?? RegistryCredentials.lookup(host: reference.registry))
        do {
            return try HTTPFetcher.blocking {
                let fetcher = HTTPFetcher(options: FetchOptions(tlsVerify: options.tlsVerify, timeout: options.timeout))
                let client = RegistryClient(reference: target, fetcher: fetcher, credentials: credentials,
                                            tlsVerify: options.tlsVerify, access: access)
                do {
                    let result = try await work(client)
                    await fetcher.shutdown()
                    return result
                } catch {
                    await fetcher.shutdown()
                    throw error
                }
            }
        } catch let error as RegistryError {
            throw access == .pull ? options.relabel(error, reference) : error
        } catch {
            throw RegistryError(.other, reference: "docker://\(reference)", detail: "\(error)")
        }
    }
}
