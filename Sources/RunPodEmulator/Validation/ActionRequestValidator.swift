/// Checks a `POST /v2/pods/{id}/action` body against `PodActionRequest`.
enum ActionRequestValidator {
    static func validate(_ body: [UInt8]) throws(Problem) -> EmulatedPodAction {
        let value = try RequestBody.parse(body)
        var check = SchemaCheck()
        let object = check.object(value, at: "$", allowed: ["action"], required: ["action"])
        let choices = EmulatedPodAction.allCases.map(\.rawValue)
        let action = check.oneOf(object?["action"], at: "$.action", choices).flatMap(EmulatedPodAction.init(rawValue:))
        guard check.errors.isEmpty, let action else { throw Problem.validation(check.errors) }
        return action
    }
}
