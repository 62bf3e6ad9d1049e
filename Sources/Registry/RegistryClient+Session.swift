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
        let credentials = options.credentials ?? RegistryCredentials.lookup(host: reference.registry)
        do {
            return try HTTPFetcher.blocking {
                let fetcher = HTTPFetcher(options: FetchOptions(tlsVerify: options.tlsVerify, timeout: options.timeout))
                let client = RegistryClient(reference: reference, fetcher: fetcher, credentials: credentials,
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
            throw error
        } catch {
            throw RegistryError(.other, reference: "docker://\(reference)", detail: "\(error)")
        }
    }
}
