-- A report's category beside its free text (ReportFiled v3): spam, harassment, inappropriate or other. Reports
-- filed before it are `other`, as their events are upcast.
ALTER TABLE moderation_reports ADD COLUMN category text NOT NULL DEFAULT 'other';
