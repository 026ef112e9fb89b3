ALTER TABLE "evaluations" DROP CONSTRAINT "evaluations_project_id_projects_id_fk";
--> statement-breakpoint
ALTER TABLE "verdicts" DROP CONSTRAINT "verdicts_project_id_projects_id_fk";
