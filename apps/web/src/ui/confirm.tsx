import { useState } from 'preact/hooks';
import { Dialog } from './Dialog.tsx';

interface Question {
  text: string;
  confirm: string;
  run: () => void;
}

/**
 * An in-app "are you sure?" instead of the browser's `confirm()`: `ask(text, label, run)` shows
 * it; render `dialog` where the page's dialogs go. The safe button (Cancel) has the focus.
 */
export function useConfirm() {
  const [question, setQuestion] = useState<Question | null>(null);
  const ask = (text: string, confirm: string, run: () => void) => setQuestion({ text, confirm, run });
  const dialog = question && (
    <Dialog label="Are you sure?" title="Are you sure?" onClose={() => setQuestion(null)}>
      <p>{question.text}</p>
      <div class="dialog__actions">
        <button type="button" class="btn" data-first-focus onClick={() => setQuestion(null)}>
          Cancel
        </button>
        <button
          type="button"
          class="btn btn--danger"
          onClick={() => {
            setQuestion(null);
            question.run();
          }}
        >
          {question.confirm}
        </button>
      </div>
    </Dialog>
  );
  return { ask, dialog };
}
