/**
 * A problem with the job's input (hyperparameters, channels, data) that the user can fix.
 * The message is written to /opt/ml/output/failure, whose first 1024 characters become the
 * job's FailureReason, so it says the cause first and then the fix.
 */
export class UserError extends Error {
  override name = 'UserError';
}
