;;; harness.el --- drive eglot in `emacs --batch' against dockwise  -*- lexical-binding: t -*-
;; Loads the documented configuration (DOCKWISE_SNIPPET, from docs/editors/emacs.md), opens
;; the fixture workspace (DOCKWISE_WS) and writes what it saw to DOCKWISE_OUT (JSON).
;; Exit status: 0 all checks passed, 1 a check failed, 2 harness error.
(require 'json)
(require 'subr-x)
(require 'package)
(package-initialize)

(defvar dw-ws (file-name-as-directory (getenv "DOCKWISE_WS")))
(defvar dw-out (getenv "DOCKWISE_OUT"))
(defvar dw-results (list (cons 'checks nil) (cons 'timings nil)))
(defvar dw-t0 (float-time))

(load (getenv "DOCKWISE_SNIPPET") nil t)   ; the configuration from docs/editors/emacs.md
(setq eglot-sync-connect 15 eglot-events-buffer-size 0 eglot-autoshutdown t)

(defun dw-ms () (round (* 1000 (- (float-time) dw-t0))))
(defun dw-put (key value) (setf (alist-get key dw-results) value))
(defun dw-time (key) (setf (alist-get key (alist-get 'timings dw-results)) (dw-ms)))
(defun dw-check (name ok detail)
  (setf (alist-get name (alist-get 'checks dw-results))
        (list (cons 'ok (if ok t :json-false)) (cons 'detail detail)))
  ok)

(defvar dw-publishes 0 "publishDiagnostics notifications received.")
(advice-add 'eglot-handle-notification :after
            (lambda (_server method &rest _)
              (when (eq method 'textDocument/publishDiagnostics) (setq dw-publishes (1+ dw-publishes)))))

(defun dw-wait (secs pred)
  "Spin process filters and timers until PRED or SECS."
  (let ((end (+ (float-time) secs)))
    (while (and (not (funcall pred)) (< (float-time) end))
      (accept-process-output nil 0.02))
    (funcall pred)))

(defun dw-diags ()
  (mapcar (lambda (d)
            (list (cons 'text (flymake-diagnostic-text d))
                  (cons 'type (symbol-name (flymake-diagnostic-type d)))
                  (cons 'line (line-number-at-pos (flymake-diagnostic-beg d)))))
          (sort (flymake-diagnostics) (lambda (a b) (< (flymake-diagnostic-beg a) (flymake-diagnostic-beg b))))))

(defun dw-find-diag (code)
  (seq-find (lambda (d) (string-match-p (regexp-quote (format "[%s]" code)) (flymake-diagnostic-text d)))
            (flymake-diagnostics)))

(defun dw-open (name)
  "Visit NAME in the workspace and run the command loop's hooks (eglot-ensure connects from
`post-command-hook', which --batch never runs)."
  (find-file (expand-file-name name dw-ws))
  (run-hooks 'post-command-hook)
  (dw-wait 15 #'eglot-managed-p)
  (when (bound-and-true-p flymake-mode) (flymake-start))
  (current-buffer))

(defun dw-apply-action (code title-re)
  (let ((d (dw-find-diag code)))
    (if (not d)
        (list nil (format "no %s diagnostic" code))
      (let* ((actions (eglot-code-actions (flymake-diagnostic-beg d) (flymake-diagnostic-end d)))
             (titles (mapcar (lambda (a) (plist-get a :title)) actions))
             (chosen (seq-find (lambda (a) (string-match-p title-re (plist-get a :title))) actions)))
        (if (not chosen)
            (list nil (format "no action matching %s in %S" title-re titles))
          (when (and (not (plist-get chosen :edit)) (plist-get chosen :data))
            (setq chosen (jsonrpc-request (eglot--current-server-or-lose) :codeAction/resolve chosen)))
          (let ((seen dw-publishes))
            (eglot--apply-workspace-edit (plist-get chosen :edit))
            (eglot--signal-textDocument/didChange)   ; idle timers never fire in --batch
            ;; Flymake drops a diagnostic whose text was edited: wait for the server's answer
            (list (dw-wait 8 (lambda () (and (> dw-publishes seen) (null (dw-find-diag code)))))
                  (plist-get chosen :title))))))))

(defun dw-run ()
  ;; Dockerfile
  (with-current-buffer (dw-open "Dockerfile")
    (dw-put 'dockerfile_mode (symbol-name major-mode))
    (dw-check 'eglot_managed (eglot-managed-p) "eglot-ensure from the documented hook")
    (dw-time 'connected_ms)
    (unless (eglot-managed-p) (error "eglot did not connect"))
    (dw-wait 15 (lambda () (and (dw-find-diag "DF202") (dw-find-diag "DF301"))))
    (dw-time 'dockerfile_diagnostics_ms)
    (dw-put 'dockerfile_diagnostics (dw-diags))
    (let ((d (dw-find-diag "DF202")))
      (dw-check 'flymake_diagnostics (and d (dw-find-diag "DF301")
                                          (= 6 (line-number-at-pos (flymake-diagnostic-beg d))))
                (dw-diags)))
    ;; hover on the image of line 1 (`FROM python:3.12 AS build`)
    (goto-char (point-min))
    (forward-char 8)
    (let* ((server (eglot--current-server-or-lose))
           (hover (jsonrpc-request server :textDocument/hover (eglot--TextDocumentPositionParams)))
           (contents (plist-get hover :contents))
           (text (if (stringp contents) contents (or (plist-get contents :value) (format "%S" contents))))
           (eldoc nil))
      (dw-put 'hover text)
      (eglot-hover-eldoc-function (lambda (s &rest _) (setq eldoc s)))
      (dw-wait 5 (lambda () eldoc))
      (dw-put 'eldoc (and eldoc (substring-no-properties eldoc)))
      (dw-check 'hover_image (and text (string-match-p "| image |" text)) text))
    ;; code actions
    (let ((r (dw-apply-action "DF202" "^Pin ")))
      (dw-check 'action_pin_latest (car r) (cadr r)))
    (let ((r (dw-apply-action "DF301" "non-root USER")))
      (dw-check 'action_non_root_user (car r) (cadr r)))
    (dw-time 'actions_ms)
    (dw-put 'dockerfile_after (buffer-substring-no-properties (point-min) (point-max)))
    (dw-put 'dockerfile_diagnostics_after (dw-diags)))
  ;; Compose file
  (with-current-buffer (dw-open "compose.yaml")
    (dw-put 'compose_mode (symbol-name major-mode))
    (dw-check 'compose_managed (eglot-managed-p) "docker-compose-mode by file name")
    (dw-wait 15 (lambda () (dw-find-diag "DC101")))
    (dw-time 'compose_diagnostics_ms)
    (dw-put 'compose_diagnostics (dw-diags))
    (dw-check 'compose_diagnostics (dw-find-diag "DC101") (dw-diags)))
  (dw-time 'total_ms)
  (if (seq-every-p (lambda (c) (eq t (alist-get 'ok (cdr c)))) (alist-get 'checks dw-results)) 0 1))

(let ((rc (condition-case err (dw-run)
            (error (dw-put 'error (format "%S" err)) 2))))
  (dw-put 'rc rc)
  (with-temp-file dw-out (insert (json-encode dw-results)))
  (ignore-errors (eglot-shutdown-all))
  (kill-emacs rc))
