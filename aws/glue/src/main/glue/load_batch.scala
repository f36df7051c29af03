// The script a Glue Scala job must have: the job itself is Java, io.nimbusverse.aws.glue.LoadBatchJob, in the jar
// given as --extra-jars (aws/template.yaml). Glue runs the object named by --class with the run's arguments.
object LoadBatch {
  def main(sysArgs: Array[String]): Unit = io.nimbusverse.aws.glue.LoadBatchJob.main(sysArgs)
}
