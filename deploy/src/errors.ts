// Every failure the deploy tool reports on purpose: a message meant for the operator (what
// went wrong and the command that fixes it) and the exit code the CLI ends with.

export class DeployError extends Error {
  /** 2 for a command line that cannot be run as given, 1 for everything else. */
  readonly exitCode: number;

  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** The command line cannot be run as given (unknown option, missing --stage, ...). */
export class UsageError extends DeployError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** A package.json `stack` declaration, or the workspace graph, is not usable. */
export class WorkspaceError extends DeployError {}

/** A stack this command needs in the stage is missing, or one it would break is still there. */
export class StageStateError extends DeployError {}

/** A packaged template breaks the CloudFormation resource specification. */
export class TemplateError extends DeployError {}

/** A step run in another process (git, turbo, sls) failed. */
export class StepError extends DeployError {}

/** The stage answered the smoke check wrongly after the deploy. */
export class SmokeCheckError extends DeployError {}
