extension KubeConfig {
    /// The configuration a kubeconfig file gives for `context` (default: its `current-context`): the context's
    /// cluster (`server`, `certificate-authority-data` or `certificate-authority`, `proxy-url`), user (`token`,
    /// `tokenFile`/`token-file`, `client-certificate-data` or `client-certificate`, `client-key-data` or
    /// `client-key`) and namespace (default `default`). Relative paths resolve against the file's directory;
    /// files are read now, except a token file, which is re-read on every request.
    ///
    /// Not supported, each with a ``KubeError/Kind/configuration`` error that says so: exec and auth-provider
    /// credential plugins, basic auth, impersonation, `insecure-skip-tls-verify` (verification always stays on)
    /// and `tls-server-name`. A missing context, cluster or user is an error naming it.
    public static func kubeconfig(path: String, context: String? = nil) throws(KubeError) -> KubeConfig {
        let text = try ConfigFile.read(path, what: "the kubeconfig")
        let document = try KubeconfigDocument(yaml: text, path: path)
        return try document.config(context: context)
    }
}
