"""Teaching: quizzes made from a summary record and the misconceptions they test."""
