-- Read model: the message threads of swaps (read-models/swaps), oldest first. The proposal's message is the first
-- of its thread (its id is the swap's). A deleted author's bodies are blanked; a hidden message is left out.
CREATE TABLE swap_messages (
  message_id text PRIMARY KEY,
  swap_id text NOT NULL,
  author_id text NOT NULL,
  body text NOT NULL,
  sent_at timestamptz NOT NULL,
  hidden boolean NOT NULL DEFAULT false
);
CREATE INDEX swap_messages_thread ON swap_messages (swap_id, sent_at, message_id);
CREATE INDEX swap_messages_author ON swap_messages (author_id);
