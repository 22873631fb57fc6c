extension PoolDraft {
    /// Reads the fields both doors share (`maxReplicas`, `template.*`,
    /// `scaling.*`) from `source`; each door reads the pool's name and its
    /// cost cap itself, since they are written differently.
    public mutating func readSharedFields<Source: PoolFieldSource>(
        from source: inout Source
    ) throws(Source.Failure) {
        maxReplicas = try source.int("maxReplicas")

        image = try source.string("template.image")
        templateId = try source.string("template.templateId")
        gpuTypeIds = try source.strings("template.gpuTypeIds")
        gpuCount = try source.int("template.gpuCount")
        clouds = try source.strings("template.clouds")
        dataCenterIds = try source.strings("template.dataCenterIds")
        networkVolumeId = try source.string("template.networkVolumeId")
        env = try source.stringMap("template.env")
        ports = try source.strings("template.ports")
        startSsh = try source.bool("template.startSsh")
        attachSSH = try source.bool("template.attach.ssh.enabled")
        attachUser = try source.string("template.attach.ssh.user")
        attachForwards = try source.records("template.attach.ssh.forwards", keys: ["remotePort", "to"])
        attachTimeoutSeconds = try source.double("template.attach.timeoutSeconds")

        jobsPerWorker = try source.int("scaling.jobsPerWorker")
        activationQueueDepth = try source.int("scaling.activationQueueDepth")
        latencySLOSeconds = try source.double("scaling.latencySLOSeconds")
        scaleDownIdleSeconds = try source.double("scaling.scaleDownIdleSeconds")
        provisionTimeoutSeconds = try source.double("scaling.provisionTimeoutSeconds")
        unavailableOfferingSeconds = try source.double("scaling.unavailableOfferingSeconds")
        orphanGraceSeconds = try source.double("scaling.orphanGraceSeconds")
        mode = try source.string("scaling.mode")
        serviceSeconds = try source.double("scaling.serviceSeconds")
        targetUtilization = try source.double("scaling.targetUtilization")
        drainSeconds = try source.double("scaling.drainSeconds")
        lowerAfterSeconds = try source.double("scaling.lowerAfterSeconds")
        serviceP95Seconds = try source.double("scaling.serviceP95Seconds")
        arrivalWindowSeconds = try source.double("scaling.arrivalWindowSeconds")
        lowerMarginSigmas = try source.double("scaling.lowerMarginSigmas")
    }
}
